// Draws the app icon, resources/icon.png (256×256): a sensor trace across a camera's ring on dark
// blue, the studio's two inputs in one mark. Run `npx tsx scripts/makeIcon.ts` after changing it.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodePng } from '../main/formats/png.ts';

const SIZE = 256;
const BACKGROUND = [22, 33, 62];
const RING = [236, 240, 246];
const TRACE = [63, 208, 201];

/** How much of a pixel a shape covers, from its distance to the shape's edge (negative inside): a one-pixel soft edge. */
const coverage = (distance: number) => Math.min(1, Math.max(0, 0.5 - distance));

/** The trace: a sine wave that fades towards the ring */
const wave = (x: number) => 128 - 34 * Math.sin((x - 128) / 20) * Math.exp(-(((x - 128) / 70) ** 2));

/** The distance from (x, y) to the edge of the trace's 12-pixel stroke, measured across the curve. */
function traceDistance(x: number, y: number): number {
  if (x < 36 || x > 220) return Infinity;
  const slope = wave(x + 0.5) - wave(x - 0.5);
  return Math.abs(y - wave(x)) / Math.hypot(1, slope) - 6;
}

function drawIcon(): Buffer {
  const pixels = new Uint8Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const cx = x + 0.5;
      const cy = y + 0.5;
      const ring = coverage(Math.abs(Math.hypot(cx - 128, cy - 128) - 88) - 8);
      const trace = coverage(traceDistance(cx, cy));
      for (let c = 0; c < 3; c++) {
        const withRing = BACKGROUND[c] + (RING[c] - BACKGROUND[c]) * ring;
        pixels[(y * SIZE + x) * 3 + c] = Math.round(withRing + (TRACE[c] - withRing) * trace);
      }
    }
  }
  return encodePng(SIZE, SIZE, pixels, 3);
}

writeFileSync(fileURLToPath(new URL('../resources/icon.png', import.meta.url)), drawIcon());
