import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createDispatcher } from '../../main/api/dispatch.ts';
import { createStudioService } from '../../main/api/service.ts';
import { mediaDir } from '../../main/store/media.ts';
import { closeProject, createProject } from '../../main/store/project.ts';
import { addRecordings, type RecordingInput } from '../../main/store/recordings.ts';
import { apiCaller } from '../helpers/api.ts';
import { eventLog } from '../helpers/events.ts';
import { tempDir } from '../helpers/tmp.ts';

/** a recording with a sensor stream read from `sensorFile` and a video the project made at `videoFile` */
function recording(name: string, sensorFile: string, videoFile: string): RecordingInput {
  return {
    name,
    subject: '1',
    trial: 1,
    label: { name: 'wave' },
    sources: [
      { role: 'sensor', path: sensorFile, sha256: 'ab'.repeat(32), bytes: 3 },
      { role: 'video', path: videoFile, sha256: 'cd'.repeat(32), bytes: 3 },
    ],
    streams: [
      {
        kind: 'sensor',
        name: 'wrist',
        rate: 50,
        length: 2,
        channels: [{ name: 'x', unit: 'g' }],
        sourceRole: 'sensor',
        samples: { rows: 2, cols: 1, data: Float64Array.from([0, 1]) },
      },
      { kind: 'video', name: 'video', rate: 30, length: 30, meta: { path: videoFile }, sourceRole: 'video' },
    ],
  };
}

async function studioOnProject() {
  const dir = tempDir();
  const path = join(dir, 'edit.vskd');
  const media = join(mediaDir(path), 'proxy');
  mkdirSync(media, { recursive: true });
  const files = { sensor: join(dir, 'wrist.csv'), video: join(media, 'take1.mp4'), otherVideo: join(media, 'take2.mp4') };
  for (const file of Object.values(files)) writeFileSync(file, 'abc');
  const project = await createProject(path);
  const [first, second] = await addRecordings(project.db, [recording('take1', files.sensor, files.video), recording('take2', files.sensor, files.otherVideo)]);
  await closeProject(project);
  const service = createStudioService({ version: 'test', emit: eventLog().emit });
  const api = apiCaller(createDispatcher(service.handlers));
  await api.call('project.open', { path });
  return { ...api, service, files, first, second };
}

describe('recordings.update and recordings.delete through the dispatcher', () => {
  it('edits metadata, answers before and after, and undoes by applying before', async () => {
    const { call, failure, service, first } = await studioOnProject();
    const { before, after } = await call('recordings.update', { recordingId: first, name: 'squat-1', label: 'squat', subject: null, trial: 3 });
    assert.deepEqual([after.name, after.label, after.subject, after.trial], ['squat-1', 'squat', null, 3]);
    assert.deepEqual(
      (await call('recordings.list', { search: 'squat' })).map((r) => r.id),
      [first],
    );
    await call('recordings.update', { recordingId: first, name: before.name, label: before.label, subject: before.subject, trial: before.trial });
    const restored = await call('recordings.find', { ref: 'take1' });
    assert.deepEqual([restored.label, restored.subject, restored.trial], ['wave', '1', 1]);

    const clash = await failure('recordings.update', { recordingId: first, name: 'take2' });
    assert.deepEqual([clash.code, clash.field], ['CONFLICT', 'name']);
    assert.equal((await failure('recordings.update', { recordingId: first, name: '  ' })).field, 'name');
    assert.equal((await failure('recordings.update', { recordingId: first, trial: -1 })).field, 'trial');
    assert.equal((await failure('recordings.update', { recordingId: 999, label: 'x' })).code, 'NOT_FOUND');
    await service.dispose();
  });

  it('says what a delete takes, then deletes it with the media the project made, keeping the files it did not', async () => {
    const { call, failure, service, files, first, second } = await studioOnProject();
    const told = await call('recordings.delete', { recordingId: first, dryRun: true });
    assert.deepEqual([told.dryRun, told.streams, told.sensorSamples, told.annotations, told.aligned, told.mediaFiles], [true, 2, 2, 0, false, [files.video]]);
    assert.ok(existsSync(files.video), 'a dry run removes nothing');
    assert.equal((await call('project.summary', {})).recordings, 2);

    const done = await call('recordings.delete', { recordingId: first });
    assert.deepEqual([done.dryRun, done.recording.name, done.mediaFiles], [false, 'take1', [files.video]]);
    assert.ok(!existsSync(files.video), 'the video the project made is removed');
    assert.ok(existsSync(files.sensor), 'the sensor file outside the project stays');
    assert.ok(existsSync(files.otherVideo), "another recording's video stays");
    assert.deepEqual(
      (await call('recordings.list', {})).map((r) => r.id),
      [second],
    );
    assert.equal((await call('project.summary', {})).sensorSamples, 2);
    assert.equal((await failure('recordings.delete', { recordingId: first })).code, 'NOT_FOUND');
    await service.dispose();
  });
});
