import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resumeJob } from '../../main/train/runs.ts';
import { trainRun } from '../../main/train/trainer.ts';
import { assertSameEpochs, hooks, oneAndTwoThreads, project } from './trainerRuns.ts';

// the threads as peers, each with a shard of every batch: what a run does without the native kernels
// (with them, their own threads: trainer.test.ts)
process.env.VSKD_NATIVE = '0';

describe('trainer on peer threads', () => {
  it("trains on two threads, cancelled and resumed on them, to one thread's numbers", { timeout: 180_000 }, async () => {
    const path = await project();
    const { one, two } = await oneAndTwoThreads(path);
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
    await assertSameEpochs(path, one.runId, two.runId);
  });
});
