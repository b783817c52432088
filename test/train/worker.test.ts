import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { StudioError } from '../../main/shared/errors.ts';
import type { TrainJob, TrainProgress } from '../../main/train/job.ts';
import { runTrainingWorker } from '../../main/train/runInWorker.ts';

const fakeWorker = new URL('./fixtures/fakeTrainingWorker.ts', import.meta.url);

function job(overrides: Partial<TrainJob> = {}): TrainJob {
  return {
    projectPath: join(tmpdir(), 'vskd-no-such-project.vskd'),
    runId: 7,
    datasetId: 1,
    kind: 'student',
    method: 'baseline',
    teacherRunId: null,
    seed: 1,
    epochs: 1,
    batchSize: 4,
    patience: 0,
    backend: 'cpu',
    optimiser: { optimiser: 'adam', learningRate: 1e-3, weightDecay: 0, schedule: 'constant' },
    student: { width: 0.25, gafSize: 32, gafMethod: 'summation', gafVariant: 'pyts' },
    teacher: { inputs: ['pose'], segments: 3, frameSize: 64 },
    loss: {},
    initFrom: null,
    ...overrides,
  };
}

/** assert.rejects' validator: the error is a StudioError with this code, checked further by `more` */
function studioError(code: string, more: (err: StudioError) => void = () => {}) {
  return (err: unknown) => {
    assert.ok(err instanceof StudioError, `expected a StudioError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    more(err);
    return true;
  };
}

describe('runTrainingWorker', () => {
  it('forwards progress and log lines and resolves with the result', async () => {
    const progress: TrainProgress[] = [];
    const lines: string[] = [];
    const result = await runTrainingWorker(job({ loss: { fake: 'progress' } }), {
      onProgress: (p) => progress.push(p),
      onLog: (l) => lines.push(l),
      script: fakeWorker,
    });
    assert.deepEqual(
      progress.map((p) => p.step),
      [1, 2, 3],
    );
    assert.equal(progress[0].runId, 7);
    assert.deepEqual(lines, ['epoch 1 done']);
    assert.equal(result.status, 'done');
    assert.equal(result.runId, 7);
  });

  it('cancels on abort even while the trainer keeps the thread busy, resolving as cancelled', async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    const result = await runTrainingWorker(job({ loss: { fake: 'busy' } }), {
      onProgress: () => controller.abort(),
      onLog: (l) => lines.push(l),
      signal: controller.signal,
      script: fakeWorker,
    });
    assert.equal(result.status, 'cancelled');
    assert.deepEqual(lines, ['checkpoint saved']);
  });

  it("rejects with the trainer's StudioError, typed", async () => {
    await assert.rejects(
      runTrainingWorker(job({ loss: { fake: 'throw' } }), { onProgress: () => {}, onLog: () => {}, script: fakeWorker }),
      studioError('NOT_FOUND', (err) => {
        assert.equal(err.message, 'no run with id 7');
        assert.deepEqual(err.detail, { field: 'run' });
      }),
    );
  });

  it('rejects with INTERNAL when the worker exits without an answer', async () => {
    await assert.rejects(
      runTrainingWorker(job({ loss: { fake: 'exit' } }), { onProgress: () => {}, onLog: () => {}, script: fakeWorker }),
      studioError('INTERNAL', (err) => assert.match(err.message, /exited with code 3/)),
    );
  });

  it("runs the real worker.ts under tsx: a missing project comes back as the trainer's NOT_FOUND", async () => {
    const missing = job();
    const lines: string[] = [];
    await assert.rejects(
      runTrainingWorker(missing, { onProgress: () => {}, onLog: (l) => lines.push(l) }),
      studioError('NOT_FOUND', (err) => assert.equal(err.detail.file, missing.projectPath, err.message)),
    );
    // the trainer picked its backend in the worker before opening the project
    assert.ok(
      lines.some((l) => l.startsWith('training on cpu')),
      `log: ${lines.join(' | ')}`,
    );
  });
});
