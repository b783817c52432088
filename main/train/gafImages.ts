/**
 * The student's GAF images of accelerometer windows (plain arrays in, plain arrays out: a training
 * thread without a project computes them too, studentTraining.ts).
 */
import { gafFromRows } from '../shared/gaf.ts';
import type { StudentSettings } from './job.ts';

/** A sample's accelerometer window: its first three sensor channels, row-major rows × 3. */
export interface AxesWindow {
  rows: number;
  data: Float64Array;
}

/**
 * GAF images [N, S, S, 3] of the windows, each drawn through `augment` first when given (training),
 * written into `out` when given (an epoch's images replace the last's).
 */
export function gafImagesOf(
  windows: AxesWindow[],
  settings: StudentSettings,
  augment?: (window: AxesWindow) => AxesWindow,
  out: Float32Array<ArrayBuffer> = new Float32Array(windows.length * settings.gafSize * settings.gafSize * 3),
): Float32Array<ArrayBuffer> {
  const s = settings.gafSize;
  const pixels = s * s;
  const chw = new Float32Array(3 * pixels);
  for (const [n, window] of windows.entries()) {
    const w = augment ? augment(window) : window;
    gafFromRows(w.data, w.rows, 3, [0, 1, 2], { size: s, method: settings.gafMethod, variant: settings.gafVariant }, chw);
    // CHW (one image per axis) → HWC, the layout of the convolutions
    const base = n * pixels * 3;
    for (let p = 0; p < pixels; p++) for (let c = 0; c < 3; c++) out[base + p * 3 + c] = chw[c * pixels + p];
  }
  return out;
}
