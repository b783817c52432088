import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closeProject, openProject } from '../../main/store/project.ts';
import { listRuns, type RunSummary } from '../../main/store/runs.ts';
import type { MethodName } from '../../main/shared/lossMethods.ts';
import { defaultJob, prepareRun, rowLabel, type JobRequest } from '../../main/train/runs.ts';
import { invalidArgument } from '../helpers/errors.ts';
import { tempDir } from '../helpers/tmp.ts';
import { tinyProject } from './tinyProject.ts';

const student = (method: string, loss: Record<string, number>): JobRequest => ({
  ...defaultJob,
  dataset: 'tiny',
  kind: 'student',
  method: method as MethodName,
  teacherRunId: 1,
  loss,
});

describe('prepareRun', () => {
  it('refuses an unknown method, a bad weight or one the method does not use, before storing a run', async () => {
    const { path } = await tinyProject(tempDir());
    await assert.rejects(prepareRun(path, student('fitnet', {})), invalidArgument('method', /unknown distillation method 'fitnet'/));
    await assert.rejects(prepareRun(path, student('dask', { beta: -1 })), invalidArgument('beta', /non-negative/));
    await assert.rejects(prepareRun(path, student('st', { temperature: 0 })), invalidArgument('temperature', /positive/));
    await assert.rejects(prepareRun(path, student('at', { alpha: 5 })), invalidArgument('alpha', /method at has no term it weighs \(it takes atWeight\)/));
    await assert.rejects(prepareRun(path, student('baseline', { spWeight: 3 })), invalidArgument('spWeight', /method baseline has no term it weighs$/));
    const project = await openProject(path);
    try {
      assert.deepEqual(await listRuns(project.db), [], 'no run stored');
    } finally {
      await closeProject(project);
    }
    const job = await prepareRun(path, student('sk', { alpha: 0.1, gamma: 2, temperature: 3 }));
    assert.equal(job.runId, 1, 'the weights sk uses are taken');
  });
});

describe('rowLabel', () => {
  const run = (kind: 'student' | 'teacher', method: string, config: Record<string, unknown>): RunSummary => ({
    id: 1,
    datasetId: 1,
    kind,
    method,
    config,
    backend: 'wasm',
    status: 'done',
    error: null,
    startedAt: null,
    finishedAt: null,
  });

  it('names a student by its method and the weights it changed from the defaults, a teacher by its inputs', () => {
    assert.equal(rowLabel(run('student', 'dask', { loss: {} })), 'dask');
    assert.equal(rowLabel(run('student', 'dask', { loss: { alpha: 0.01, beta: 2 } })), 'dask (beta 2)', 'a default given explicitly is no change');
    assert.equal(rowLabel(run('student', 'at', { loss: { atWeight: 8 } })), 'at (atWeight 8)');
    assert.equal(rowLabel(run('student', 'baseline', {})), 'baseline');
    assert.equal(rowLabel(run('teacher', 'baseline', { teacher: { inputs: ['pose', 'frames'] } })), 'teacher (pose+frames)');
  });
});
