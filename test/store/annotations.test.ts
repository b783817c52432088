import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StudioError } from '../../main/shared/errors.ts';
import { createAnnotation, deleteAnnotation, getAnnotation, listAnnotations, updateAnnotation, type Annotation } from '../../main/store/annotations.ts';
import { createLabel, deleteLabel, ensureLabels, listLabels, updateLabel } from '../../main/store/labels.ts';
import { addRecordings } from '../../main/store/recordings.ts';
import { sensorToVideo, videoToSensor } from '../../main/shared/clockModel.ts';
import { annotatedProject, clockA } from '../annotations/fixture.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
let n = 0;
async function fresh() {
  const made = await annotatedProject(dir, `a${n++}.vskd`);
  const ids = await ensureLabels(made.project.db, [{ name: 'wave' }, { name: 'clap' }]);
  return { ...made, db: made.project.db, wave: ids.get('wave')!, clap: ids.get('clap')! };
}

function rejectsWith(code: string, field: string | null, pattern?: RegExp) {
  return (err: StudioError) => {
    assert.equal(err.code, code, err.message);
    if (field !== null) assert.equal(err.detail.field, field, `the error names the field: ${err.message}`);
    if (pattern) assert.match(err.message, pattern);
    return true;
  };
}

/** The fields an update takes, from an annotation: what undoes an update. */
const editable = (a: Annotation) => ({ labelId: a.labelId, start: a.start, end: a.end, timeBase: a.timeBase, note: a.note });

describe('annotations store', () => {
  it('lists a recording’s segments by video start time, on both clocks', async () => {
    const { db, recA, recB, wave, clap } = await fresh();
    const late = await createAnnotation(db, { recordingId: recA, labelId: wave, start: 5, end: 6 });
    // sensor 4 s is video (4 − 2.5) / (1 + drift) ≈ 1.4998 s: it sorts first
    const sensor = await createAnnotation(db, { recordingId: recA, labelId: clap, start: 4, end: 4.5, timeBase: 'sensor', note: 'hands' });
    await createAnnotation(db, { recordingId: recB, labelId: wave, start: 1, end: 2 });
    const list = await listAnnotations(db, { recordingId: recA });
    assert.deepEqual(
      list.map((a) => a.id),
      [sensor.id, late.id],
    );
    assert.equal(sensor.startVideo, sensorToVideo(clockA, 4));
    assert.equal(sensor.startSensor, 4);
    assert.equal(late.endSensor, videoToSensor(clockA, 6));
    assert.deepEqual([sensor.label, sensor.note, sensor.timeBase], ['clap', 'hands', 'sensor']);
    assert.equal((await listAnnotations(db)).length, 3);
    await assert.rejects(listAnnotations(db, { recordingId: 999 }), rejectsWith('NOT_FOUND', 'recordingId'));
  });

  it('refuses segments that are empty, reversed, negative, past the recording or on unknown ids', async () => {
    const { db, recA, wave } = await fresh();
    const base = { recordingId: recA, labelId: wave };
    await assert.rejects(createAnnotation(db, { ...base, start: 3, end: 3 }), rejectsWith('INVALID_ARGUMENT', 'end'));
    await assert.rejects(createAnnotation(db, { ...base, start: 3, end: 2 }), rejectsWith('INVALID_ARGUMENT', 'end'));
    await assert.rejects(createAnnotation(db, { ...base, start: -1, end: 2 }), rejectsWith('INVALID_ARGUMENT', 'start'));
    await assert.rejects(createAnnotation(db, { ...base, start: NaN, end: 2 }), rejectsWith('INVALID_ARGUMENT', 'start'));
    await assert.rejects(createAnnotation(db, { ...base, start: 1, end: 60 }), rejectsWith('INVALID_ARGUMENT', 'end', /rec_a/));
    await assert.rejects(createAnnotation(db, { ...base, labelId: 999, start: 1, end: 2 }), rejectsWith('NOT_FOUND', 'labelId'));
    await assert.rejects(createAnnotation(db, { ...base, recordingId: 999, start: 1, end: 2 }), rejectsWith('NOT_FOUND', 'recordingId'));
    await assert.rejects(updateAnnotation(db, 999, { start: 1 }), rejectsWith('NOT_FOUND', 'id'));
    await assert.rejects(deleteAnnotation(db, 999), rejectsWith('NOT_FOUND', 'id'));
    // the sensor clock runs 2.5 s ahead: 21 s is within rec_a on it (the video ends at sensor 22.5 s)
    assert.equal((await createAnnotation(db, { ...base, start: 21, end: 22, timeBase: 'sensor' })).timeBase, 'sensor');
    assert.equal((await listAnnotations(db, { recordingId: recA })).length, 1);
  });

  it('resizes and relabels, and the returned before undoes it exactly', async () => {
    const { db, recA, wave, clap } = await fresh();
    const created = await createAnnotation(db, { recordingId: recA, labelId: wave, start: 1.25, end: 2.5, note: 'first' });
    const { before, after } = await updateAnnotation(db, created.id, { end: 3.75, labelId: clap });
    assert.deepEqual(before, created);
    assert.deepEqual([after.start, after.end, after.label, after.note], [1.25, 3.75, 'clap', 'first']);
    await assert.rejects(updateAnnotation(db, created.id, { start: 4 }), rejectsWith('INVALID_ARGUMENT', 'end'));
    const undone = await updateAnnotation(db, created.id, editable(before));
    assert.deepEqual(undone.after, created);
  });

  it('moves a segment to the other clock without moving it in time', async () => {
    const { db, recA, wave } = await fresh();
    const created = await createAnnotation(db, { recordingId: recA, labelId: wave, start: 2, end: 3 });
    const { after } = await updateAnnotation(db, created.id, { timeBase: 'sensor' });
    assert.equal(after.timeBase, 'sensor');
    assert.equal(after.start, videoToSensor(clockA, 2));
    assert.ok(Math.abs(after.startVideo - 2) < 1e-12, `video start stays at 2 s, got ${after.startVideo}`);
    assert.ok(Math.abs(after.endVideo - 3) < 1e-12, `video end stays at 3 s, got ${after.endVideo}`);
  });

  it('returns a deleted annotation that restores under its old id', async () => {
    const { db, recA, wave } = await fresh();
    const created = await createAnnotation(db, { recordingId: recA, labelId: wave, start: 1, end: 2, timeBase: 'sensor', note: 'n' });
    const deleted = await deleteAnnotation(db, created.id);
    assert.deepEqual(deleted, created);
    await assert.rejects(getAnnotation(db, created.id), rejectsWith('NOT_FOUND', 'id'));
    const { recordingId, labelId, start, end, timeBase, note, id } = deleted;
    const restored = await createAnnotation(db, { recordingId, labelId, start, end, timeBase, note, id });
    assert.deepEqual(restored, created);
    await assert.rejects(createAnnotation(db, { recordingId, labelId, start, end, id }), rejectsWith('CONFLICT', 'id'));
  });
});

describe('label schema', () => {
  it('creates, renames and recolours labels, refusing duplicate names and bad colours', async () => {
    const { db } = await fresh();
    const jump = await createLabel(db, { name: '  jump ', color: '#A0B0C0', description: 'both feet' });
    assert.deepEqual([jump.name, jump.color, jump.position], ['jump', '#a0b0c0', 2]);
    await assert.rejects(createLabel(db, { name: 'wave' }), rejectsWith('CONFLICT', 'name', /wave/));
    await assert.rejects(createLabel(db, { name: '  ' }), rejectsWith('INVALID_ARGUMENT', 'name'));
    await assert.rejects(createLabel(db, { name: 'x', color: 'red' }), rejectsWith('INVALID_ARGUMENT', 'color'));
    const { before, after } = await updateLabel(db, jump.id, { name: 'hop', color: null });
    assert.deepEqual(before, jump);
    assert.deepEqual([after.name, after.color, after.description], ['hop', null, 'both feet']);
    await assert.rejects(updateLabel(db, jump.id, { name: 'clap' }), rejectsWith('CONFLICT', 'name'));
    await assert.rejects(updateLabel(db, 999, { name: 'z' }), rejectsWith('NOT_FOUND', 'labelId'));
    assert.deepEqual(
      (await listLabels(db)).map((l) => l.name),
      ['wave', 'clap', 'hop'],
    );
  });

  it('refuses to delete a label in use, saying how many use it', async () => {
    const { db, recA, wave, clap } = await fresh();
    for (const start of [1, 3]) await createAnnotation(db, { recordingId: recA, labelId: wave, start, end: start + 1 });
    await assert.rejects(deleteLabel(db, wave), rejectsWith('CONFLICT', 'id', /wave is used by 2 annotations/));
    const [recording] = await addRecordings(db, [{ name: 'labelled', label: { name: 'clap' }, sources: [], streams: [] }]);
    assert.ok(recording > 0, 'a recording labelled clap was added');
    await assert.rejects(deleteLabel(db, clap), rejectsWith('CONFLICT', 'id', /1 recording/));
    assert.deepEqual(
      (await listLabels(db)).map((l) => l.name),
      ['wave', 'clap'],
    );
  });

  it('deletes an unused label and restores it with its id and position', async () => {
    const { db } = await fresh();
    const sit = await createLabel(db, { name: 'sit', position: 0 });
    const deleted = await deleteLabel(db, sit.id);
    assert.deepEqual(deleted, sit);
    assert.deepEqual(
      (await listLabels(db)).map((l) => l.name),
      ['wave', 'clap'],
    );
    const restored = await createLabel(db, { ...deleted });
    assert.deepEqual(restored, sit);
    assert.deepEqual(
      (await listLabels(db)).map((l) => l.name),
      ['wave', 'sit', 'clap'],
    );
  });
});
