/** What an export is judged by: agreement of two models' logits, accuracy, and latency. */
import { StudioError } from '../shared/errors.ts';
import { argmaxRows } from '../train/metrics.ts';

/**
 * How far an exported model's logits may stray from the tfjs model's, as a share of the logits'
 * scale max(1, max |logit|). Measured on random-initialised students with perturbed BatchNorm
 * statistics (test/export/onnx.test.ts): float32 differs by summation order only (≈1e-6 of the
 * scale), float16 storage by under 1e-3, int8 weights by 2–3%; each bound leaves about a 2× margin or more.
 */
export const LOGIT_TOLERANCE = { float32: 1e-4, float16: 5e-3, int8: 0.05 } as const;

export interface LogitAgreement {
  /** largest |a − b| over every logit of every row */
  maxAbsDiff: number;
  /** share of rows whose top-1 class is the same */
  top1Agreement: number;
}

export function compareLogits(a: Float32Array, b: Float32Array, rows: number, classes: number): LogitAgreement {
  if (a.length !== rows * classes || b.length !== rows * classes) {
    throw new StudioError('INVALID_ARGUMENT', `logits: ${a.length} and ${b.length} values for ${rows} rows × ${classes} classes`, { field: 'logits' });
  }
  let maxAbsDiff = 0;
  for (let k = 0; k < a.length; k++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(a[k] - b[k]));
  const topA = argmaxRows(a, rows, classes);
  const topB = argmaxRows(b, rows, classes);
  let same = 0;
  for (let r = 0; r < rows; r++) if (topA[r] === topB[r]) same++;
  return { maxAbsDiff, top1Agreement: rows === 0 ? NaN : same / rows };
}

/** Share of rows whose top-1 class is the label (NaN without rows). */
export function accuracyOf(logits: Float32Array, labels: Int32Array, classes: number): number {
  const top = argmaxRows(logits, labels.length, classes);
  let correct = 0;
  for (let r = 0; r < labels.length; r++) if (top[r] === labels[r]) correct++;
  return labels.length === 0 ? NaN : correct / labels.length;
}

export interface Latency {
  /** median of the timed runs, milliseconds */
  medianMs: number;
  runs: number;
}

/** Median wall time of `runs` calls of `once`, after `warmup` untimed calls (first calls pay for allocation and kernel set-up). */
export async function measureLatency(once: () => Promise<unknown>, runs: number, warmup = 3): Promise<Latency> {
  if (!Number.isInteger(runs) || runs < 1) throw new StudioError('INVALID_ARGUMENT', `runs must be a whole number ≥ 1, got ${runs}`, { field: 'runs' });
  for (let k = 0; k < warmup; k++) await once();
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const start = performance.now();
    await once();
    times.push(performance.now() - start);
  }
  times.sort((x, y) => x - y);
  const mid = Math.floor(runs / 2);
  return { medianMs: runs % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2, runs };
}

/** [rows, S, S, C] → [rows, C, S, S] (the tfjs student's layout to the ONNX input's). */
export function nhwcToNchw(images: Float32Array, rows: number, size: number, channels = 3): Float32Array {
  const pixels = size * size;
  const out = new Float32Array(images.length);
  for (let n = 0; n < rows; n++) {
    const base = n * pixels * channels;
    for (let p = 0; p < pixels; p++) for (let c = 0; c < channels; c++) out[base + c * pixels + p] = images[base + p * channels + c];
  }
  return out;
}
