import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { StudioError } from '../../main/shared/errors.ts';
import { listLabels } from '../../main/store/labels.ts';
import { createProject } from '../../main/store/project.ts';
import {
  addRecordings,
  deleteRecording,
  getRecording,
  listRecordings,
  recordingRemoval,
  updateRecording,
  type RecordingInput,
} from '../../main/store/recordings.ts';
import { readSamples } from '../../main/store/samples.ts';
import { projectSummary } from '../../main/store/summary.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
let n = 0;
const fresh = () => createProject(join(dir, `r${n++}.vskd`));

function recording(name: string, label: string, rows = 4, timestamps?: Float64Array): RecordingInput {
  const data = Float64Array.from({ length: rows * 3 }, (_, i) => i * 0.5 - 1);
  return {
    name,
    subject: '1',
    trial: 2,
    label: { name: label },
    sources: [{ role: 'sensor', path: `/data/${name}.csv`, sha256: 'ab'.repeat(32), bytes: 100 }],
    streams: [
      {
        kind: 'sensor',
        name: 'acc',
        rate: 50,
        length: rows,
        channels: [
          { name: 'x', unit: 'g' },
          { name: 'y', unit: 'g' },
          { name: 'z', unit: 'g' },
        ],
        sourceRole: 'sensor',
        samples: { rows, cols: 3, data, timestamps },
      },
      { kind: 'depth', name: 'depth', rate: 30, length: 60, meta: { width: 320, height: 240 } },
    ],
  };
}

describe('recordings', () => {
  it('store samples as one blob and read them back', async () => {
    const { db } = await fresh();
    const times = Float64Array.from([0, 0.02, 0.05, 0.061]);
    const [id] = await addRecordings(db, [recording('rec', 'wave', 4, times)]);
    const rec = await getRecording(db, id);
    assert.equal(rec.label, 'wave');
    assert.deepEqual(
      rec.streams.map((s) => [s.kind, s.length]),
      [
        ['sensor', 4],
        ['depth', 60],
      ],
    );
    const blobs = await db.all<{ n: number }>('SELECT COUNT(*) AS n FROM sensor_samples');
    assert.equal(blobs[0].n, 1); // one row per stream, not per sample
    const samples = await readSamples(db, rec.streams[0].id);
    assert.equal(samples.rows, 4);
    assert.deepEqual(
      Array.from(samples.data),
      Array.from({ length: 12 }, (_, i) => i * 0.5 - 1),
    );
    assert.deepEqual(Array.from(samples.timestamps!), Array.from(times));
  });

  it('add all of a batch or none of it', async () => {
    const { db } = await fresh();
    await addRecordings(db, [recording('first', 'wave')]);
    // the second batch clashes on its last recording: its first one and its new label must not stay
    await assert.rejects(addRecordings(db, [recording('second', 'clap'), recording('first', 'wave')]), (err: StudioError) => {
      assert.equal(err.code, 'CONFLICT');
      assert.match(err.message, /first/);
      return true;
    });
    assert.deepEqual(
      (await listRecordings(db)).map((r) => r.name),
      ['first'],
    );
    assert.deepEqual(
      (await listLabels(db)).map((l) => l.name),
      ['wave'],
    );
    assert.equal((await projectSummary(db)).sensorSamples, 4);
  });

  it('reject samples that do not fill rows × cols, writing nothing', async () => {
    const { db } = await fresh();
    const bad = recording('bad', 'wave');
    bad.streams[0].samples!.rows = 5;
    await assert.rejects(addRecordings(db, [bad]), (err: StudioError) => err.code === 'INVALID_ARGUMENT');
    assert.equal((await listRecordings(db)).length, 0);
  });

  it('filter by label, subject, trial and name', async () => {
    const { db } = await fresh();
    const second = recording('a2_s2', 'clap');
    second.subject = '2';
    await addRecordings(db, [recording('a1_s1', 'wave'), second]);
    assert.deepEqual(
      (await listRecordings(db, { label: 'clap' })).map((r) => r.name),
      ['a2_s2'],
    );
    assert.deepEqual(
      (await listRecordings(db, { subject: '1' })).map((r) => r.name),
      ['a1_s1'],
    );
    assert.deepEqual(
      (await listRecordings(db, { trial: 3 })).map((r) => r.name),
      [],
    );
    assert.deepEqual(
      (await listRecordings(db, { search: '_s2' })).map((r) => r.name),
      ['a2_s2'],
    );
    assert.deepEqual(
      (await listRecordings(db, { search: '%' })).map((r) => r.name),
      [],
    ); // LIKE wildcards are literal
  });

  it('count annotations and tell aligned recordings apart', async () => {
    const { db } = await fresh();
    const [a, b] = await addRecordings(db, [recording('annotated', 'wave'), recording('plain', 'wave')]);
    const [{ id: labelId }] = await db.all<{ id: number }>('SELECT id FROM labels');
    await db.run('INSERT INTO annotations (recording_id, label_id, start_s, end_s) VALUES (?, ?, 0, 1), (?, ?, 1, 2)', [a, labelId, a, labelId]);
    await db.run("INSERT INTO clock_alignments (recording_id, offset_s, method) VALUES (?, 0.5, 'manual'), (?, 0, 'none')", [a, b]);
    const list = await listRecordings(db);
    assert.deepEqual(
      list.map((r) => [r.name, r.annotations, r.aligned]),
      [
        ['annotated', 2, true],
        ['plain', 0, false],
      ],
    );
  });

  it('delete a recording with everything that hangs on it', async () => {
    const { db } = await fresh();
    const [id] = await addRecordings(db, [recording('gone', 'wave')]);
    await db.run('INSERT INTO clock_alignments (recording_id, offset_s, drift, method) VALUES (?, 0.1, 0.0001, ?)', [id, 'manual']);
    await db.run('DELETE FROM recordings WHERE id = ?', [id]);
    for (const table of ['streams', 'sensor_samples', 'sources', 'clock_alignments']) {
      assert.equal((await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n, 0, table);
    }
  });

  it('edit name, label, subject and trial, and undo by applying what it was before', async () => {
    const { db } = await fresh();
    const [id] = await addRecordings(db, [recording('take1', 'wave'), recording('take2', 'wave')]);
    const { before, after } = await updateRecording(db, id, { name: 'squat-1', label: 'squat', subject: null, trial: 7 });
    assert.deepEqual([before.name, before.label, before.subject, before.trial], ['take1', 'wave', '1', 2]);
    assert.deepEqual([after.name, after.label, after.subject, after.trial], ['squat-1', 'squat', null, 7]);
    // a new label joins the schema; search finds the recording by it
    assert.deepEqual(
      (await listLabels(db)).map((l) => l.name),
      ['wave', 'squat'],
    );
    assert.deepEqual(
      (await listRecordings(db, { search: 'squat' })).map((r) => r.id),
      [id],
    );
    const undone = await updateRecording(db, id, { name: before.name, label: before.label, subject: before.subject, trial: before.trial });
    assert.deepEqual([undone.after.name, undone.after.label, undone.after.subject, undone.after.trial], ['take1', 'wave', '1', 2]);
    // clearing the label leaves it unlabelled
    assert.equal((await updateRecording(db, id, { label: null })).after.label, null);
  });

  it('refuse a name another recording has, changing nothing', async () => {
    const { db } = await fresh();
    const [id] = await addRecordings(db, [recording('take1', 'wave'), recording('take2', 'wave')]);
    await assert.rejects(
      updateRecording(db, id, { name: 'take2', label: 'new-label' }),
      (err: StudioError) => err.code === 'CONFLICT' && err.detail?.field === 'name',
    );
    assert.deepEqual([(await getRecording(db, id)).name, (await listLabels(db)).length], ['take1', 1]);
    await assert.rejects(updateRecording(db, 999, { name: 'x' }), (err: StudioError) => err.code === 'NOT_FOUND');
  });

  it('say what a delete takes, then take it in one go', async () => {
    const { db } = await fresh();
    const [id, kept] = await addRecordings(db, [recording('gone', 'wave', 6), recording('kept', 'wave')]);
    const [{ id: labelId }] = await db.all<{ id: number }>('SELECT id FROM labels');
    await db.run('INSERT INTO annotations (recording_id, label_id, start_s, end_s) VALUES (?, ?, 0, 1), (?, ?, 1, 2)', [id, labelId, id, labelId]);
    await db.run("INSERT INTO clock_alignments (recording_id, offset_s, method) VALUES (?, 0.5, 'manual')", [id]);
    const { lastID: datasetId } = await db.run("INSERT INTO datasets (name, protocol, config) VALUES ('d', 'cross-subject', '{}')");
    await db.run("INSERT INTO dataset_members (dataset_id, recording_id, split) VALUES (?, ?, 'train'), (?, ?, 'test')", [datasetId, id, datasetId, kept]);
    const told = await recordingRemoval(db, id);
    assert.deepEqual(
      {
        streams: told.streams,
        sensorSamples: told.sensorSamples,
        annotations: told.annotations,
        aligned: told.aligned,
        datasets: told.datasets,
        files: told.files,
      },
      { streams: 2, sensorSamples: 6, annotations: 2, aligned: true, datasets: 1, files: ['/data/gone.csv'] },
    );
    assert.equal((await listRecordings(db)).length, 2, 'telling deletes nothing');
    assert.deepEqual(await deleteRecording(db, id), told);
    assert.deepEqual(
      (await listRecordings(db)).map((r) => r.name),
      ['kept'],
    );
    for (const [table, left] of [
      ['streams', 2],
      ['sensor_samples', 1],
      ['sources', 1],
      ['annotations', 0],
      ['clock_alignments', 0],
      ['dataset_members', 1],
    ] as const) {
      assert.equal((await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n, left, table);
    }
    await assert.rejects(deleteRecording(db, id), (err: StudioError) => err.code === 'NOT_FOUND');
  });
});
