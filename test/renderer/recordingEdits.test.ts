import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MethodResult } from '../../main/shared/contract.ts';
import { changesSomething, draftOf, updateOf, withEdit, withoutLatest, withoutRecording } from '../../renderer/src/lib/recordingEdits.ts';
import { whatGoes } from '../../renderer/src/lib/recordingRemoval.ts';

type Recording = MethodResult<'recordings.list'>[number];
const recording = (id: number, name: string, fields: Partial<Recording> = {}): Recording => ({
  id,
  name,
  subject: '1',
  trial: 2,
  label: 'wave',
  createdAt: '2026-01-01T00:00:00Z',
  annotations: 0,
  aligned: false,
  streams: [],
  ...fields,
});

describe('editing a recording from the list', () => {
  it('sends only what changed, an empty field clearing it', () => {
    const r = recording(4, 'take1');
    assert.deepEqual(updateOf(r, draftOf(r)), { args: { recordingId: 4 } });
    assert.equal(changesSomething({ recordingId: 4 }), false);
    const read = updateOf(r, { name: ' take1 ', label: 'squat', subject: '', trial: '7' });
    assert.deepEqual(read, { args: { recordingId: 4, label: 'squat', subject: null, trial: 7 } });
    assert.deepEqual(updateOf(r, { ...draftOf(r), trial: '2.5' }), { problem: 'Trial: 2.5 is not a whole number' });
    assert.deepEqual(updateOf(r, { ...draftOf(r), name: ' ' }), { problem: 'Name: a recording needs a name' });
  });

  it('undoes the newest edit first, with what the recording was before it', () => {
    const before = recording(4, 'take1');
    const after = recording(4, 'squat-1', { label: 'squat', trial: null });
    let history = withEdit([], { before, after });
    history = withEdit(history, { before: recording(5, 'b'), after: recording(5, 'b2') });
    assert.deepEqual(history.at(-1), { recordingId: 5, name: 'b2', undo: { recordingId: 5, name: 'b', label: 'wave', subject: '1', trial: 2 } });
    history = withoutLatest(history);
    assert.deepEqual(history.at(-1)!.undo, { recordingId: 4, name: 'take1', label: 'wave', subject: '1', trial: 2 });
    assert.deepEqual(withoutRecording(history, 4), []);
    // the history keeps the latest fifty
    let long = history;
    for (let i = 0; i < 60; i++) long = withEdit(long, { before: recording(10 + i, `r${i}`), after: recording(10 + i, `s${i}`) });
    assert.deepEqual([long.length, long[0].name], [50, 's10']);
  });

  it('says what a delete takes, in counts', () => {
    const removal: MethodResult<'recordings.delete'> = {
      recording: recording(4, 'take1', { streams: [{ id: 1, kind: 'sensor', name: 'acc', rate: 50, length: 300, channels: [], meta: {} }] }),
      streams: 2,
      sensorSamples: 300,
      annotations: 1,
      aligned: true,
      datasets: 2,
      mediaFiles: ['/p.media/proxy/take1.mp4'],
      dryRun: true,
    };
    assert.deepEqual(whatGoes(removal), [
      '2 streams (300 sensor samples)',
      '1 annotation',
      'its clock alignment',
      '1 media file the project made',
      'its place in 2 datasets',
    ]);
    assert.deepEqual(whatGoes({ ...removal, recording: recording(4, 'take1'), streams: 1, annotations: 0, aligned: false, datasets: 0, mediaFiles: [] }), [
      '1 stream',
    ]);
  });
});
