import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { StudioError } from '../../main/shared/errors.ts';
import { createProject } from '../../main/store/project.ts';
import { createRun, getArtifact, getRun, listRuns, markRunEnded, markRunStarted, putArtifact, recordEpoch, runEpochs } from '../../main/store/runs.ts';
import { projectSummary } from '../../main/store/summary.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('training runs in the project', () => {
  it('keep config, backend, status, epochs and the latest checkpoint', async () => {
    const { db } = await createProject(join(tempDir(), 'runs.vskd'));
    const id = await createRun(db, { datasetId: null, kind: 'student', method: 'dask', config: { seed: 3, lr: 2e-4 } });
    assert.equal((await getRun(db, id)).status, 'created');
    await markRunStarted(db, id, 'wasm');
    await recordEpoch(db, id, { epoch: 1, metrics: { loss: 2.5, valAccuracy: 0.4 } }, Buffer.from('weights-1'));
    await recordEpoch(db, id, { epoch: 2, metrics: { loss: 1.5, valAccuracy: 0.6 } }, Buffer.from('weights-2'));
    await markRunEnded(db, id, 'done');
    const run = await getRun(db, id);
    assert.equal(run.backend, 'wasm');
    assert.equal(run.status, 'done');
    assert.deepEqual(run.config, { seed: 3, lr: 2e-4 });
    assert.ok(run.startedAt && run.finishedAt);
    assert.deepEqual(
      (await runEpochs(db, id)).map((e) => e.metrics.valAccuracy),
      [0.4, 0.6],
    );
    const checkpoint = await getArtifact(db, id, 'checkpoint');
    assert.equal(checkpoint?.data.toString(), 'weights-2');
    assert.deepEqual(checkpoint?.meta, { epoch: 2 });
    await putArtifact(db, id, 'teacher-outputs', 'cache', Buffer.from([1, 2, 3]));
    assert.deepEqual([...(await getArtifact(db, id, 'teacher-outputs'))!.data], [1, 2, 3]);
    assert.equal(await getArtifact(db, id, 'nothing'), null);
    assert.equal((await listRuns(db)).length, 1);
    assert.equal((await projectSummary(db)).runs, 1);
  });

  it('refuse an unknown run and an unknown status', async () => {
    const { db } = await createProject(join(tempDir(), 'runs2.vskd'));
    await assert.rejects(getRun(db, 42), (err: StudioError) => err.code === 'NOT_FOUND' && /run with id 42/.test(err.message));
    const id = await createRun(db, { datasetId: null, kind: 'teacher', method: 'baseline', config: {} });
    await assert.rejects(markRunEnded(db, id, 'exploded' as 'done'), /CHECK constraint/);
  });
});
