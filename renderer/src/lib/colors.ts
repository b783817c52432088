/** The recording view's colours: one per accelerometer axis (x, y, z as R, G, B, as in the RGB GAF) and the GAF's colour map. */

const channelColors = ['#ff6b6b', '#51cf66', '#4fa3ff', '#fcc419', '#cc5de8', '#20c997'];

export const channelColor = (index: number) => channelColors[index % channelColors.length];

/** a diverging map for values in [-1, 1]: blue, light grey at 0, red */
const stops: [number, number, number][] = [
  [59, 76, 192],
  [221, 221, 221],
  [180, 4, 38],
];

/** 256 RGB entries for -1 … 1 */
export const divergingLut: Uint8Array = (() => {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const x = (i / 255) * 2;
    const [a, b] = x <= 1 ? [stops[0], stops[1]] : [stops[1], stops[2]];
    const f = x <= 1 ? x : x - 1;
    for (let k = 0; k < 3; k++) lut[i * 3 + k] = Math.round(a[k] + (b[k] - a[k]) * f);
  }
  return lut;
})();

/** a value in [-1, 1] as a LUT index */
export const lutIndex = (v: number) => Math.max(0, Math.min(255, Math.round((v + 1) * 127.5)));
