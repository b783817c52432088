/**
 * A tiny student trained on a segment dataset (windows of annotated segments in long sessions, cut
 * through the clock model, split by subject with a held-out validation subject) learns the actions:
 * its accuracy on the test subject is far above chance.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planDataset } from '../../main/datasets/datasetPlan.ts';
import { createDataset } from '../../main/store/datasets.ts';
import { closeProject, openProject } from '../../main/store/project.ts';
import { getArtifact, runEpochs } from '../../main/store/runs.ts';
import { defaultJob, prepareRun } from '../../main/train/runs.ts';
import { trainRun } from '../../main/train/trainer.ts';
import { segmentProject } from '../datasets/segmentProject.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('training on a segment dataset', () => {
  it('learns the actions of the windows and scores a held-out subject well above chance', { timeout: 240_000 }, async () => {
    const path = await segmentProject(tempDir());
    const project = await openProject(path);
    const plan = await planDataset(project.db, {
      split: { by: 'subject', train: '1-4', test: '5', valSubjects: '4' },
      seed: 1,
      samples: 'segments',
      window: { seconds: 2, stride: 1 },
      clip: 8,
    });
    await createDataset(project.db, { name: 'windows', protocol: plan.protocol, config: plan.config, members: plan.members, windows: plan.windows });
    await closeProject(project);

    const settings = { ...defaultJob, backend: 'wasm' as const, epochs: 6, batchSize: 8, student: { ...defaultJob.student, gafSize: 16, width: 0.125 } };
    const job = await prepareRun(path, { ...settings, dataset: 'windows', kind: 'student', method: 'baseline', teacherRunId: null });
    const result = await trainRun(job, { onProgress: () => undefined, isCancelled: () => false, log: () => undefined });
    assert.equal(result.status, 'done');

    const opened = await openProject(path);
    try {
      const evaluation = JSON.parse((await getArtifact(opened.db, job.runId, 'evaluation'))!.data.toString()) as { accuracy: number; samples: number };
      assert.equal(evaluation.samples, 18, "the test subject's 6 segments × 3 windows");
      assert.ok(evaluation.accuracy >= 0.8, `test accuracy ${evaluation.accuracy} (chance 0.5)`);
      const epochs = await runEpochs(opened.db, job.runId);
      assert.ok(
        epochs.every((e) => e.metrics.valAccuracy >= 0),
        'a validation score from the held-out subject each epoch',
      );
    } finally {
      await closeProject(opened);
    }
  });
});
