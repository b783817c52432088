import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrainProgress } from '../../main/train/job.ts';
import { defaultJob, prepareRun } from '../../main/train/runs.ts';
import { trainRun } from '../../main/train/trainer.ts';
import { tempDir } from '../helpers/tmp.ts';
import { useTestWebgpu } from '../helpers/webgpu.ts';
import { tinyProject } from './tinyProject.ts';

const unavailable = await useTestWebgpu();

const settings = { ...defaultJob, epochs: 2, batchSize: 3, seed: 7, student: { ...defaultJob.student, gafSize: 16, width: 0.125 } };

/** Every step's running loss terms of a run. */
async function stepTerms(path: string, request: Parameters<typeof prepareRun>[1]): Promise<TrainProgress[]> {
  const progress: TrainProgress[] = [];
  const job = await prepareRun(path, request);
  const result = await trainRun(job, { onProgress: (p) => progress.push(p), isCancelled: () => false, log: () => undefined });
  assert.equal(result.status, 'done');
  return progress.filter((p) => p.valAccuracy === undefined);
}

describe('training on webgpu', { skip: unavailable }, () => {
  it('follows the cpu backend step by step for a DASK student (same seed, same teacher)', { timeout: 600_000 }, async () => {
    const { path } = await tinyProject(tempDir());
    const teacher = await prepareRun(path, {
      ...settings,
      backend: 'cpu',
      dataset: 'tiny',
      kind: 'teacher',
      method: 'baseline',
      teacherRunId: null,
      teacher: { inputs: ['pose'], segments: 4, frameSize: 16 },
    });
    await trainRun(teacher, { onProgress: () => undefined, isCancelled: () => false, log: () => undefined });
    const student = { ...settings, dataset: 'tiny', kind: 'student' as const, method: 'dask' as const, teacherRunId: teacher.runId };
    const cpu = await stepTerms(path, { ...student, backend: 'cpu' });
    const webgpu = await stepTerms(path, { ...student, backend: 'webgpu' });
    assert.equal(webgpu.length, cpu.length, 'as many steps');
    assert.ok(cpu.length >= 4, `${cpu.length} steps`);
    assert.ok(
      webgpu.every((p) => p.backend === 'webgpu'),
      'trained on webgpu',
    );
    for (const [k, expected] of cpu.entries()) {
      for (const [term, value] of Object.entries(expected.terms)) {
        const actual = webgpu[k].terms[term];
        // float32 on both; the sums run in another order on the GPU, and Adam carries that forward
        assert.ok(
          Math.abs(actual - value) <= 1e-3 * Math.max(1, Math.abs(value)),
          `epoch ${expected.epoch} step ${expected.step} ${term}: webgpu ${actual}, cpu ${value}`,
        );
      }
    }
  });
});
