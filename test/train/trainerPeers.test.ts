import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prepareRun, resumeJob } from '../../main/train/runs.ts';
import { trainRun } from '../../main/train/trainer.ts';
import { epochMetrics, hooks, project, settings } from './trainerRuns.ts';

// the threads as peers, each with a shard of every batch: what a run does without the native kernels
// (with them, their own threads: trainer.test.ts)
process.env.VSKD_NATIVE = '0';

describe('trainer on peer threads', () => {
  it("trains on two threads, cancelled and resumed on them, to one thread's numbers", { timeout: 180_000 }, async () => {
    const path = await project();
    const request = { ...settings, batchSize: 8, dataset: 'tiny', kind: 'student' as const, method: 'baseline' as const, teacherRunId: null };
    const one = await prepareRun(path, { ...request, threads: 1 });
    assert.equal((await trainRun(one, hooks())).threads, 1);
    const two = await prepareRun(path, { ...request, threads: 2 });
    const lines: string[] = [];
    const cancelling = hooks(1);
    const first = await trainRun(two, { ...cancelling, log: (line) => lines.push(line) });
    assert.equal(first.status, 'cancelled');
    assert.equal(first.threads, 2);
    assert.ok(cancelling.progress.length > 0 && cancelling.progress.every((p) => p.threads === 2), 'the progress names the threads');
    assert.ok(lines.includes("training on 2 threads, 4 or fewer of each batch's rows on each"), lines.join('\n'));
    // the peers start again from the checkpoint: weights and the optimiser's moments
    const second = await trainRun(await resumeJob(path, two.runId), hooks());
    assert.equal(second.status, 'done');
    assert.equal(second.threads, 2);
    const a = await epochMetrics(path, one.runId);
    const b = await epochMetrics(path, two.runId);
    assert.equal(b.length, 3);
    for (let i = 0; i < 3; i++) {
      const [x, y] = [a[i].metrics.crossEntropy, b[i].metrics.crossEntropy];
      assert.ok(Math.abs(x - y) < 1e-4 * Math.max(1, x), `epoch ${i + 1}: one thread ${x}, two ${y}`);
    }
  });
});
