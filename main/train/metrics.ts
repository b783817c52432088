/** Classification metrics from true and predicted class indices. */
import { StudioError } from '../shared/errors.ts';

export interface ClassificationReport {
  accuracy: number;
  macroF1: number;
  /** recall of each class (NaN for a class absent from the truth) */
  perClassRecall: number[];
  /** confusion[true][predicted] */
  confusion: number[][];
  samples: number;
}

export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number[][] {
  if (truth.length !== predicted.length) {
    throw new StudioError('INVALID_ARGUMENT', `predicted: ${predicted.length} predictions for ${truth.length} labels`, { field: 'predicted' });
  }
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i];
    const p = predicted[i];
    if (!(t >= 0 && t < classes && p >= 0 && p < classes && Number.isInteger(t) && Number.isInteger(p))) {
      throw new StudioError('INVALID_ARGUMENT', `sample ${i}: class ${t} → ${p} is outside 0..${classes - 1}`, { field: 'truth' });
    }
    matrix[t][p]++;
  }
  return matrix;
}

/**
 * Macro-F1 averages the F1 of the classes present in the truth or the predictions (a class
 * neither present nor predicted says nothing and is left out, as scikit-learn's labels= would).
 */
export function classificationReport(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): ClassificationReport {
  const confusion = confusionMatrix(truth, predicted, classes);
  let correct = 0;
  const f1s: number[] = [];
  const perClassRecall: number[] = [];
  for (let c = 0; c < classes; c++) {
    const tp = confusion[c][c];
    correct += tp;
    const actual = confusion[c].reduce((a, b) => a + b, 0);
    const predictedAs = confusion.reduce((a, row) => a + row[c], 0);
    perClassRecall.push(actual === 0 ? NaN : tp / actual);
    if (actual === 0 && predictedAs === 0) continue;
    f1s.push(tp === 0 ? 0 : (2 * tp) / (actual + predictedAs));
  }
  return {
    accuracy: truth.length === 0 ? NaN : correct / truth.length,
    macroF1: f1s.length === 0 ? NaN : f1s.reduce((a, b) => a + b, 0) / f1s.length,
    perClassRecall,
    confusion,
    samples: truth.length,
  };
}

/** The index of the largest value of each row of a row-major [rows, cols] matrix. */
export function argmaxRows(values: ArrayLike<number>, rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (values[r * cols + c] > values[r * cols + best]) best = c;
    out[r] = best;
  }
  return out;
}
