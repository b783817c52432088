import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDataset, datasetMembers } from '../../main/store/datasets.ts';
import { closeProject, openProject } from '../../main/store/project.ts';
import { getArtifact, getRun } from '../../main/store/runs.ts';
import type { TrainJob, TrainPreparation } from '../../main/train/job.ts';
import { loadNativeKernels } from '../../main/train/kernels/nativeKernels.ts';
import { prepareRun, resumeJob } from '../../main/train/runs.ts';
import { trainRun } from '../../main/train/trainer.ts';
import { assertSameEpochs, epochMetrics, hooks, oneAndTwoThreads, project, settings } from './trainerRuns.ts';

const native = loadNativeKernels();
const nativeSkip = native.addon ? false : `no native kernels (${native.reason})`;

describe('trainer', () => {
  it('trains a student, stores every epoch, the best weights and the test evaluation', { timeout: 120_000 }, async () => {
    const path = await project();
    const job = await prepareRun(path, { ...settings, dataset: 'tiny', kind: 'student', method: 'baseline', teacherRunId: null });
    const h = hooks();
    const result = await trainRun(job, h);
    assert.equal(result.status, 'done');
    assert.equal(result.backend, 'wasm');
    const epochs = await epochMetrics(path, job.runId);
    assert.deepEqual(
      epochs.map((e) => e.epoch),
      [1, 2, 3],
    );
    assert.ok(
      epochs.every((e) => Number.isFinite(e.metrics.crossEntropy) && e.metrics.valAccuracy >= 0),
      JSON.stringify(epochs),
    );
    assert.ok(
      h.progress.some((p) => p.step === 1 && p.samplesPerSecond > 0),
      'progress per step with samples/s',
    );
    const p = await openProject(path);
    const run = await getRun(p.db, job.runId);
    const evaluation = await getArtifact(p.db, job.runId, 'evaluation');
    await closeProject(p);
    assert.equal(run.status, 'done');
    assert.equal(run.backend, 'wasm');
    assert.ok(evaluation, 'an evaluation artifact');
    assert.equal(JSON.parse(evaluation.data.toString()).samples, 8);
  });

  it('resumes a cancelled run from its checkpoint and ends where an uninterrupted run ends', { timeout: 180_000 }, async () => {
    const path = await project();
    const request = { ...settings, dataset: 'tiny', kind: 'student' as const, method: 'baseline' as const, teacherRunId: null };
    const whole = await prepareRun(path, request);
    await trainRun(whole, hooks());
    const interrupted = await prepareRun(path, request);
    const first = await trainRun(interrupted, hooks(1));
    assert.equal(first.status, 'cancelled');
    assert.deepEqual(
      (await epochMetrics(path, interrupted.runId)).map((e) => e.epoch),
      [1],
    );
    const resumed: TrainJob = await resumeJob(path, interrupted.runId);
    const second = await trainRun(resumed, hooks());
    assert.equal(second.status, 'done');
    const a = await epochMetrics(path, whole.runId);
    const b = await epochMetrics(path, interrupted.runId);
    assert.deepEqual(
      b.map((e) => e.epoch),
      [1, 2, 3],
    );
    for (let i = 0; i < 3; i++) {
      assert.ok(
        Math.abs(a[i].metrics.crossEntropy - b[i].metrics.crossEntropy) < 1e-6,
        `epoch ${i + 1}: ${a[i].metrics.crossEntropy} vs ${b[i].metrics.crossEntropy}`,
      );
    }
  });

  it("trains on the native kernels' two threads to one thread's numbers, starting no peers", { skip: nativeSkip, timeout: 180_000 }, async () => {
    const path = await project();
    const { one, two } = await oneAndTwoThreads(path);
    const lines: string[] = [];
    const result = await trainRun(two, { ...hooks(), log: (line) => lines.push(line) });
    assert.equal(result.status, 'done');
    assert.equal(result.threads, 2);
    assert.ok(lines.includes('the native kernels (convolutions, BatchNorm) compute on 2 threads'), lines.join('\n'));
    assert.ok(!lines.some((line) => /rows on each/.test(line)), 'no peers');
    await assertSameEpochs(path, one.runId, two.runId);
  });

  it('distils from a teacher whose outputs are computed once, paired with the same recordings', { timeout: 180_000 }, async () => {
    const path = await project();
    const teacherJob = await prepareRun(path, {
      ...settings,
      dataset: 'tiny',
      kind: 'teacher',
      method: 'baseline',
      teacherRunId: null,
      teacher: { inputs: ['pose'], segments: 4, frameSize: 16 },
    });
    assert.equal((await trainRun(teacherJob, hooks())).status, 'done');
    const job = await prepareRun(path, { ...settings, epochs: 2, dataset: 'tiny', kind: 'student', method: 'dask', teacherRunId: teacherJob.runId });
    const h = hooks();
    await trainRun(job, h);
    const last = h.progress.at(-1)!;
    for (const term of ['crossEntropy', 'kd', 'rkdDistance', 'rkdAngle', 'semantic'])
      assert.ok(Number.isFinite(last.terms[term]), `term ${term}: ${last.terms[term]}`);
    const p = await openProject(path);
    const cached = await getArtifact(p.db, job.runId, 'teacher-outputs');
    await closeProject(p);
    assert.ok(cached, 'teacher outputs cached with the run');
    assert.equal(cached.meta.teacherRunId, teacherJob.runId);
  });

  it('transfers attention from a pose teacher through its time map', { timeout: 180_000 }, async () => {
    const path = await project();
    const teacherJob = await prepareRun(path, {
      ...settings,
      epochs: 1,
      dataset: 'tiny',
      kind: 'teacher',
      method: 'baseline',
      teacherRunId: null,
      teacher: { inputs: ['pose'], segments: 4, frameSize: 16 },
    });
    assert.equal((await trainRun(teacherJob, hooks())).status, 'done');
    const job = await prepareRun(path, { ...settings, epochs: 1, dataset: 'tiny', kind: 'student', method: 'at', teacherRunId: teacherJob.runId });
    const h = hooks();
    assert.equal((await trainRun(job, h)).status, 'done');
    const attention = h.progress.at(-1)!.terms.attention;
    // the student's maps are not the teacher's: the term is positive, and finite
    assert.ok(Number.isFinite(attention) && attention > 0, `attention term ${attention}`);
  });

  it('honours a cancel while preparing its inputs: ends cancelled with nothing trained, and resumes from the start', { timeout: 120_000 }, async () => {
    const path = await project();
    const job = await prepareRun(path, { ...settings, epochs: 1, dataset: 'tiny', kind: 'student', method: 'baseline', teacherRunId: null });
    const preparations: TrainPreparation[] = [];
    const result = await trainRun(job, { ...hooks(), onPreparing: (p) => preparations.push(p), isCancelled: () => preparations.length > 3 });
    assert.equal(result.status, 'cancelled');
    assert.equal(result.epochsRun, 0);
    assert.ok(
      preparations.every((p) => p.done < p.total),
      `stopped among the GAF images: ${JSON.stringify(preparations.at(-1))}`,
    );
    assert.deepEqual(await epochMetrics(path, job.runId), []);
    const p = await openProject(path);
    assert.equal((await getRun(p.db, job.runId)).status, 'cancelled');
    await closeProject(p);
    assert.equal((await trainRun(await resumeJob(path, job.runId), hooks())).status, 'done');
    assert.deepEqual(
      (await epochMetrics(path, job.runId)).map((e) => e.epoch),
      [1],
    );
  });

  it('keeps the last epoch when there is no validation split, with no validation accuracy under that name', { timeout: 120_000 }, async () => {
    const path = await project();
    const p = await openProject(path);
    const members = (await datasetMembers(p.db, 1)).map((m) => ({ recordingId: m.recordingId, split: m.split === 'val' ? ('train' as const) : m.split }));
    await createDataset(p.db, { name: 'no-val', protocol: 'subject-specific', members });
    await closeProject(p);
    const job = await prepareRun(path, { ...settings, dataset: 'no-val', kind: 'student', method: 'baseline', teacherRunId: null, patience: 1 });
    const result = await trainRun(job, hooks());
    assert.equal(result.bestEpoch, 3, 'the last epoch, whatever the training accuracy did');
    assert.equal(result.epochsRun, 3, 'no early stop without validation');
    assert.ok(Number.isNaN(result.bestValAccuracy));
    const q = await openProject(path);
    const best = await getArtifact(q.db, job.runId, 'best');
    const evaluation = await getArtifact(q.db, job.runId, 'evaluation');
    await closeProject(q);
    assert.deepEqual([best?.meta.epoch, best?.meta.valAccuracy], [3, null]);
    assert.equal(evaluation?.meta.bestEpoch, 3);
    assert.ok((await epochMetrics(path, job.runId)).every((e) => e.metrics.valAccuracy === null && e.metrics.trainAccuracy >= 0));
  });

  it('refuses to distil without a trained teacher', async () => {
    const path = await project();
    const job = await prepareRun(path, { ...settings, dataset: 'tiny', kind: 'student', method: 'st', teacherRunId: 999 });
    await assert.rejects(trainRun(job, hooks()), /no run with id 999/);
    const p = await openProject(path);
    const run = await getRun(p.db, job.runId);
    await closeProject(p);
    assert.equal(run.status, 'failed');
  });
});
