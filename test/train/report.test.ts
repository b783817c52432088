/**
 * The comparison table never averages unlike runs: runs of one method that differ in any setting but
 * the seed get a row each, named by what differs, under their dataset's real split description.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DatasetSummary } from '../../main/store/datasets.ts';
import type { RunSummary } from '../../main/store/runs.ts';
import { compareRuns, markdownTable, type RunResult } from '../../main/train/report.ts';
import { datasetHeading, defaultJob, rowLabel, runSettings } from '../../main/train/runs.ts';

function studentRun(id: number, seed: number, change: { epochs?: number; width?: number; atWeight?: number } = {}): RunSummary {
  const config = {
    ...defaultJob,
    seed,
    epochs: change.epochs ?? defaultJob.epochs,
    student: { ...defaultJob.student, width: change.width ?? defaultJob.student.width },
    loss: change.atWeight === undefined ? {} : { atWeight: change.atWeight },
  };
  const method = change.atWeight === undefined ? 'baseline' : 'at';
  return { id, datasetId: 1, kind: 'student', method, config, backend: 'wasm', status: 'done', error: null, startedAt: null, finishedAt: null };
}

const bySubjects: DatasetSummary = {
  id: 1,
  name: 'mine',
  protocol: 'by subject',
  description: 'by subject: train 1-4,6 · test 5,7-8',
  config: {},
  createdAt: '',
  counts: { train: 0, val: 0, test: 0 },
};

const result = (run: RunSummary, accuracy: number): RunResult => ({
  method: rowLabel(run),
  protocol: datasetHeading(bySubjects),
  seed: Number(run.config.seed),
  accuracy,
  macroF1: accuracy,
  settings: runSettings(run),
});

describe('comparison of runs', () => {
  it('keeps a 1-epoch full-width run apart from 30-epoch ×0.25 runs, and averages only the seeds of like runs', () => {
    const results = [
      result(studentRun(1, 1), 0.8),
      result(studentRun(2, 2), 0.9),
      result(studentRun(3, 1, { epochs: 1, width: 1 }), 0.3),
      result(studentRun(4, 1, { atWeight: 8 }), 0.7),
      result(studentRun(5, 1, { atWeight: 8, epochs: 1 }), 0.2),
    ];
    const { methods, protocols, rows } = compareRuns(results);
    assert.deepEqual(methods, ['baseline (width 0.25, epochs 30)', 'baseline (width 1, epochs 1)', 'at (atWeight 8, epochs 30)', 'at (atWeight 8, epochs 1)']);
    assert.deepEqual(protocols, ['mine (by subject: train 1-4,6 · test 5,7-8)']);
    assert.deepEqual(
      rows.map((r) => [r.method, r.seeds, Number(r.accuracy.mean.toFixed(6))]),
      [
        ['baseline (width 0.25, epochs 30)', 2, 0.85],
        ['baseline (width 1, epochs 1)', 1, 0.3],
        ['at (atWeight 8, epochs 30)', 1, 0.7],
        ['at (atWeight 8, epochs 1)', 1, 0.2],
      ],
    );
    const table = markdownTable(results).split('\n');
    assert.match(table[0], /\| method \| mine \(by subject: train 1-4,6 · test 5,7-8\) accuracy % \|/);
    assert.equal(table[3], '| baseline (width 1, epochs 1) | 30.00 ± 0.00 | 30.00 ± 0.00 | 1 |');
  });

  it('names no setting when a method ran with one set of settings only', () => {
    const { methods } = compareRuns([result(studentRun(1, 1), 0.8), result(studentRun(2, 2), 0.9)]);
    assert.deepEqual(methods, ['baseline']);
    assert.equal(datasetHeading({ ...bySubjects, name: 'cross-subject', description: 'cross-subject' }), 'cross-subject');
  });
});
