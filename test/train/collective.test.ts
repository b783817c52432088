import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { createCollectiveBuffers } from '../../main/train/collective.ts';
import { startWorker } from '../../main/workerThread.ts';
import { partValue, type CollectiveCase } from './fixtures/collectiveWorker.ts';

const script = new URL('./fixtures/collectiveWorker.ts', import.meta.url);

/** Runs one thread per role on shared buffers; resolves with each thread's message. */
async function runThreads(lengths: number[], roles: CollectiveCase['role'][]): Promise<Record<string, unknown>[]> {
  const buffers = createCollectiveBuffers(roles.length);
  const workers = roles.map((role, rank) => startWorker(script, { buffers, rank, lengths, role } satisfies CollectiveCase));
  try {
    return await Promise.all(workers.map(async (w) => (await once(w, 'message'))[0] as Record<string, unknown>));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

describe('collective (threads exchanging through shared memory)', () => {
  it("gives every thread every thread's part, parts longer than one exchange round and of different lengths too", { timeout: 60_000 }, async () => {
    // 2²⁰ floats a round: the longest part takes three rounds, the shortest is empty
    const lengths = [2_500_000, 0, 1_048_577];
    const results = await runThreads(lengths, ['gather', 'gather', 'gather']);
    for (const [rank, result] of results.entries()) {
      assert.equal(result.error, undefined, `thread ${rank}: ${String(result.error)}`);
      const parts = result.parts as Float32Array[];
      assert.deepEqual(
        parts.map((p) => p.length),
        lengths,
        `thread ${rank}'s part lengths`,
      );
      for (const [r, part] of parts.entries()) {
        const wrong = part.findIndex((v, k) => v !== partValue(r, k));
        assert.equal(wrong, -1, `thread ${rank}: part ${r} differs at ${wrong}`);
      }
      // 0 + 1 + 2 plus k/4 from each of three threads
      assert.deepEqual([...(result.sum as Float32Array)], [3, 3.75, 4.5, 5.25, 6]);
      assert.deepEqual(
        (result.again as Float32Array[]).map((p) => [...p]),
        [[0], [1], [2]],
      );
    }
  });

  it('stops every waiting thread when one aborts, naming it', { timeout: 60_000 }, async () => {
    const results = await runThreads([4, 4, 4], ['gather', 'gather', 'abort']);
    assert.equal(results[2].aborted, true);
    for (const rank of [0, 1]) assert.equal(results[rank].error, 'training thread 3 stopped', `thread ${rank}`);
  });
});
