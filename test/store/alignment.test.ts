import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { StudioError } from '../../main/shared/errors.ts';
import { getAlignment, setAlignment } from '../../main/store/alignment.ts';
import { createProject } from '../../main/store/project.ts';
import { addRecordings } from '../../main/store/recordings.ts';
import { projectSummary } from '../../main/store/summary.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
let n = 0;

async function projectWithRecording() {
  const project = await createProject(join(dir, `a${n++}.vskd`));
  const [id] = await addRecordings(project.db, [
    {
      name: 'rec',
      sources: [],
      streams: [{ kind: 'sensor', name: 'acc', rate: 50, length: 2, samples: { rows: 2, cols: 3, data: new Float64Array(6) } }],
    },
  ]);
  return { db: project.db, id };
}

const notFound = (err: StudioError) => err.code === 'NOT_FOUND' && err.detail.field === 'recordingId';

describe('stored alignment', () => {
  it('is the identity until one is set', async () => {
    const { db, id } = await projectWithRecording();
    assert.deepEqual(await getAlignment(db, id), { recordingId: id, model: { offset: 0, drift: 0 }, method: 'none', detail: {}, updatedAt: null });
  });

  it('stores a model with its detail, and replaces it', async () => {
    const { db, id } = await projectWithRecording();
    const anchors = [
      { video: 1.2, sensor: 3.71 },
      { video: 45, sensor: 47.52 },
    ];
    const set = await setAlignment(db, id, { offset: 2.5097, drift: 228.3e-6, method: 'anchors', detail: { anchors, residuals: [0, 0], rms: 0 } });
    const got = await getAlignment(db, id);
    assert.deepEqual(got, set);
    assert.deepEqual(got.model, { offset: 2.5097, drift: 228.3e-6 });
    assert.equal(got.method, 'anchors');
    assert.deepEqual(got.detail.anchors, anchors);
    assert.match(got.updatedAt ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.equal((await projectSummary(db)).aligned, 1);

    const windows = [{ start: 0, end: 30, offset: null, ncc: null, used: false }];
    await setAlignment(db, id, { offset: -1.25, drift: 0, method: 'auto', detail: { confidence: 0.6, ncc: 0.9, windows } });
    const replaced = await getAlignment(db, id);
    assert.deepEqual(replaced.model, { offset: -1.25, drift: 0 });
    assert.equal(replaced.method, 'auto');
    assert.deepEqual(replaced.detail, { confidence: 0.6, ncc: 0.9, windows }); // no anchors left over
    const rows = await db.all('SELECT recording_id FROM clock_alignments');
    assert.equal(rows.length, 1);
  });

  it('refuses an unknown recording, and stores nothing', async () => {
    const { db, id } = await projectWithRecording();
    await assert.rejects(getAlignment(db, id + 1), notFound);
    await assert.rejects(setAlignment(db, id + 1, { offset: 1, drift: 0, method: 'manual' }), notFound);
    assert.equal((await db.all('SELECT * FROM clock_alignments')).length, 0);
  });

  it('refuses a model that cannot be stored or inverted, and an unknown method', async () => {
    const { db, id } = await projectWithRecording();
    const invalid = (field: string) => (err: StudioError) => err.code === 'INVALID_ARGUMENT' && err.detail.field === field;
    await assert.rejects(setAlignment(db, id, { offset: NaN, drift: 0, method: 'manual' }), invalid('alignment.offset'));
    await assert.rejects(setAlignment(db, id, { offset: 0, drift: -1, method: 'manual' }), invalid('alignment.drift'));
    await assert.rejects(setAlignment(db, id, { offset: 0, drift: 0, method: 'guess' as 'manual' }), invalid('alignment.method'));
    assert.equal((await getAlignment(db, id)).method, 'none');
  });

  it('goes with its recording', async () => {
    const { db, id } = await projectWithRecording();
    await setAlignment(db, id, { offset: 1, drift: 0, method: 'manual' });
    await db.run('DELETE FROM recordings WHERE id = ?', [id]);
    assert.equal((await db.all('SELECT * FROM clock_alignments')).length, 0);
  });
});
