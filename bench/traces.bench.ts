/**
 * The recording view's traces of an hour at 100 Hz, 3 channels (the JavaScript the renderer runs):
 * building the min/max pyramids once, and cutting a view from them at 830 px, against a scan of
 * every row in view (what a window cost before the pyramids); and the GAF of the window around the
 * playhead, which the renderer computes every frame of playback.
 */
import { gafWindow } from '../main/shared/gafWindow.ts';
import { buildPyramid } from '../renderer/src/lib/minmaxPyramid.ts';
import { TraceWindow } from '../renderer/src/lib/traceWindow.ts';
import { rate } from './data.ts';

const ROWS = 3600 * 100;
const PIXELS = 830;

/** per-pixel min and max by reading every row: the cost the pyramid saves */
function scanWindow(channels: Float32Array[], first: number, end: number, min: Float32Array, max: Float32Array): void {
  channels.forEach((values, c) => {
    for (let p = 0; p < PIXELS; p++) {
      const [from, to] = [first + Math.floor(((end - first) * p) / PIXELS), first + Math.floor(((end - first) * (p + 1)) / PIXELS)];
      let [lo, hi] = [Infinity, -Infinity];
      for (let r = from; r < to; r++) {
        if (values[r] < lo) lo = values[r];
        if (values[r] > hi) hi = values[r];
      }
      min[c * PIXELS + p] = lo;
      max[c * PIXELS + p] = hi;
    }
  });
}

export default async function benchTraces(): Promise<void> {
  const channels = [0, 1, 2].map((c) => Float32Array.from({ length: ROWS }, (_, r) => Math.sin(r / (70 + 13 * c)) + ((r * 7919) % 101) / 1000));
  const coldStart = performance.now();
  const pyramids = channels.map(buildPyramid);
  console.log(`pyramids of 3 × ${ROWS} rows, first build: ${(performance.now() - coldStart).toFixed(1)} ms`);
  console.log(`pyramids, warm: ${(1000 / (await rate(() => channels.map(buildPyramid)))).toFixed(1)} ms`);
  const clock = { rows: ROWS, rate: 100, times: null };
  const window = new TraceWindow();
  const [min, max] = [new Float32Array(3 * PIXELS), new Float32Array(3 * PIXELS)];
  for (const seconds of [3600, 600, 20]) {
    const pyramid = 1000 / (await rate(() => window.update(clock, pyramids, 0, seconds, PIXELS)));
    const scan = 1000 / (await rate(() => scanWindow(channels, 0, seconds * 100, min, max)));
    console.log(
      `view of ${String(seconds).padStart(4)} s at ${PIXELS} px: from the pyramids ${pyramid.toFixed(3)} ms, scanning every row ${scan.toFixed(3)} ms`,
    );
  }
  const source = { ...clock, channels: 3, at: (row: number, c: number) => channels[c][row] };
  for (const size of [64, 128]) {
    const ms = 1000 / (await rate(() => gafWindow(source, 1800, 2, size, 'summation')));
    console.log(`GAF of the 2 s around the playhead, 3 × ${size}²: ${ms.toFixed(3)} ms`);
  }
}
