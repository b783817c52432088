/**
 * A tiny software rasterizer for the demo videos: anti-aliased thick lines and discs on an RGB
 * image. Pixel (i, j) covers [i, i + 1) × [j, j + 1), so its centre is (i + 0.5, j + 0.5); y grows
 * downward. Coverage is approximated from the distance of the pixel centre to the shape's edge.
 */
export type Rgb = readonly [number, number, number];
export type Point = readonly [number, number];

export interface Canvas {
  width: number;
  height: number;
  /** row-major, interleaved R, G, B */
  data: Uint8Array;
}

export function createCanvas(width: number, height: number, background: Rgb): Canvas {
  const canvas = { width, height, data: new Uint8Array(width * height * 3) };
  fillRect(canvas, 0, 0, width, height, background);
  return canvas;
}

export function copyCanvas(canvas: Canvas): Canvas {
  return { ...canvas, data: canvas.data.slice() };
}

/** Fills the whole pixels with x0 ≤ i < x1 and y0 ≤ j < y1 (clipped to the canvas). */
export function fillRect(canvas: Canvas, x0: number, y0: number, x1: number, y1: number, color: Rgb): void {
  const [left, right] = [Math.max(0, Math.floor(x0)), Math.min(canvas.width, Math.floor(x1))];
  const [top, bottom] = [Math.max(0, Math.floor(y0)), Math.min(canvas.height, Math.floor(y1))];
  for (let j = top; j < bottom; j++) {
    for (let i = left; i < right; i++) canvas.data.set(color, (j * canvas.width + i) * 3);
  }
}

/**
 * Blends `color` into the pixels of a box around a shape, each by the coverage that
 * `distanceOutside` implies: its signed distance (px) from the pixel centre to the shape's edge,
 * negative inside. A pixel half a pixel inside is fully covered, half a pixel outside not at all.
 */
function paint(canvas: Canvas, box: [number, number, number, number], color: Rgb, distanceOutside: (x: number, y: number) => number): void {
  const left = Math.max(0, Math.floor(box[0] - 1));
  const top = Math.max(0, Math.floor(box[1] - 1));
  const right = Math.min(canvas.width - 1, Math.ceil(box[2] + 1));
  const bottom = Math.min(canvas.height - 1, Math.ceil(box[3] + 1));
  const { data, width } = canvas;
  for (let j = top; j <= bottom; j++) {
    for (let i = left; i <= right; i++) {
      const coverage = 0.5 - distanceOutside(i + 0.5, j + 0.5);
      if (coverage <= 0) continue;
      const alpha = Math.min(1, coverage);
      const at = (j * width + i) * 3;
      for (let c = 0; c < 3; c++) data[at + c] = Math.round(data[at + c] + (color[c] - data[at + c]) * alpha);
    }
  }
}

/** A line `thickness` px wide from a to b with round ends (a capsule). */
export function drawLine(canvas: Canvas, a: Point, b: Point, thickness: number, color: Rgb): void {
  const r = thickness / 2;
  const [ax, ay] = a;
  const dx = b[0] - ax;
  const dy = b[1] - ay;
  const lengthSq = dx * dx + dy * dy;
  const box: [number, number, number, number] = [Math.min(ax, b[0]) - r, Math.min(ay, b[1]) - r, Math.max(ax, b[0]) + r, Math.max(ay, b[1]) + r];
  paint(canvas, box, color, (x, y) => {
    // distance from (x, y) to the segment: project onto it, clamped to its ends
    const t = lengthSq === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / lengthSq));
    const ex = x - ax - t * dx;
    const ey = y - ay - t * dy;
    return Math.sqrt(ex * ex + ey * ey) - r;
  });
}

export function fillCircle(canvas: Canvas, centre: Point, radius: number, color: Rgb): void {
  const [cx, cy] = centre;
  paint(canvas, [cx - radius, cy - radius, cx + radius, cy + radius], color, (x, y) => Math.sqrt((x - cx) ** 2 + (y - cy) ** 2) - radius);
}

/** An axis-aligned filled ellipse (for shadows), anti-aliased approximately. */
export function fillEllipse(canvas: Canvas, centre: Point, rx: number, ry: number, color: Rgb): void {
  const [cx, cy] = centre;
  const scale = Math.min(rx, ry);
  // the normalised radius, mapped back to pixels by the smaller semi-axis: exact on that axis
  paint(canvas, [cx - rx, cy - ry, cx + rx, cy + ry], color, (x, y) => (Math.sqrt(((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2) - 1) * scale);
}
