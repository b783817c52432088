import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { argmaxRows, classificationReport, confusionMatrix } from '../../main/train/metrics.ts';
import { markdownTable, meanStd } from '../../main/train/report.ts';

describe('metrics', () => {
  it('computes accuracy, macro-F1, recall and the confusion matrix by hand-checked numbers', () => {
    // truth 0 0 0 1 1 2; predicted 0 0 1 1 2 2
    const r = classificationReport([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], 3);
    assert.deepEqual(r.confusion, [
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    assert.equal(r.accuracy, 4 / 6);
    assert.deepEqual(r.perClassRecall, [2 / 3, 1 / 2, 1]);
    // F1: class 0 = 2·2/(3+2) = 0.8; class 1 = 2·1/(2+2) = 0.5; class 2 = 2·1/(1+2) = 2/3
    assert.ok(Math.abs(r.macroF1 - (0.8 + 0.5 + 2 / 3) / 3) < 1e-12);
  });

  it('leaves out classes that are neither true nor predicted, and reports NaN recall for absent ones', () => {
    const r = classificationReport([0, 1], [0, 1], 4);
    assert.equal(r.macroF1, 1);
    assert.ok(Number.isNaN(r.perClassRecall[3]));
  });

  it('refuses mismatched lengths and out-of-range classes', () => {
    assert.throws(() => confusionMatrix([0, 1], [0], 2), /1 predictions for 2 labels/);
    assert.throws(() => confusionMatrix([0, 2], [0, 1], 2), /sample 1: class 2/);
  });

  it('takes the argmax of each row', () => {
    assert.deepEqual(Array.from(argmaxRows([0.1, 0.7, 0.2, 3, -1, 2], 2, 3)), [1, 0]);
  });
});

describe('report', () => {
  it('gives mean ± sample standard deviation', () => {
    const s = meanStd([0.9, 0.92, 0.94]);
    assert.ok(Math.abs(s.mean - 0.92) < 1e-12);
    assert.ok(Math.abs(s.std - 0.02) < 1e-12);
    assert.deepEqual(meanStd([0.5]), { mean: 0.5, std: 0, n: 1 });
  });

  it('writes one row per method and one column group per protocol', () => {
    const table = markdownTable([
      { method: 'baseline', protocol: 'cross-subject', seed: 1, accuracy: 0.8, macroF1: 0.78 },
      { method: 'baseline', protocol: 'cross-subject', seed: 2, accuracy: 0.9, macroF1: 0.88 },
      { method: 'dask', protocol: 'cross-subject', seed: 1, accuracy: 0.95, macroF1: 0.94 },
      { method: 'dask', protocol: 'subject-specific', seed: 1, accuracy: 0.97, macroF1: 0.96 },
    ]).split('\n');
    assert.equal(table.length, 4);
    assert.match(table[0], /\| method \| cross-subject accuracy % \| cross-subject macro-F1 % \| seeds \| subject-specific accuracy %/);
    assert.equal(table[2], '| baseline | 85.00 ± 7.07 | 83.00 ± 7.07 | 2 | — | — | 0 |');
    assert.equal(table[3], '| dask | 95.00 ± 0.00 | 94.00 ± 0.00 | 1 | 97.00 ± 0.00 | 96.00 ± 0.00 | 1 |');
  });
});
