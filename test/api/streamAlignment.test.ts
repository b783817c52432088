/**
 * Several wearables in one recording through the dispatcher: alignment.get / alignment.set on each
 * wearable's own clock, recordings.get telling each stream's model, annotations.list on the first
 * wearable's clock, and a single-wearable recording answered as before.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDispatcher } from '../../main/api/dispatch.ts';
import { createStudioService } from '../../main/api/service.ts';
import { videoToSensor } from '../../main/shared/clockModel.ts';
import { closeProject, createProject } from '../../main/store/project.ts';
import { addRecordings, listRecordings } from '../../main/store/recordings.ts';
import { apiCaller } from '../helpers/api.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('vskd-stream-alignment-api-');
const WRIST = { offset: 1.25, drift: 120e-6 };
const ANKLE = { offset: -0.5, drift: -80e-6 };

const accel = (name: string) => {
  const rows = 500;
  return {
    kind: 'sensor' as const,
    name,
    rate: 50,
    length: rows,
    channels: ['x', 'y', 'z'].map((c) => ({ name: c, unit: 'g' })),
    samples: { rows, cols: 3, data: new Float64Array(rows * 3) },
  };
};

describe('stream alignment API', () => {
  const service = createStudioService({ version: 'test', emit: () => {} });
  const { call, failure } = apiCaller(createDispatcher(service.handlers));
  const ids = { two: 0, wrist: 0, ankle: 0, single: 0, acc: 0 };

  before(async () => {
    const path = join(dir, 'wearables.vskd');
    const project = await createProject(path);
    await addRecordings(project.db, [
      { name: 'two wearables', sources: [], streams: [accel('wrist'), accel('ankle')] },
      { name: 'one wearable', sources: [], streams: [accel('acc')] },
    ]);
    for (const r of await listRecordings(project.db)) {
      const stream = (name: string) => r.streams.find((s) => s.name === name)?.id ?? 0;
      if (r.name === 'two wearables') Object.assign(ids, { two: r.id, wrist: stream('wrist'), ankle: stream('ankle') });
      else Object.assign(ids, { single: r.id, acc: stream('acc') });
    }
    await closeProject(project);
    await call('project.open', { path });
  });
  after(() => service.dispose());

  it('aligns each wearable on its own, and tells each stream its model', async () => {
    const dry = await call('alignment.set', { recordingId: ids.two, sensorStreamId: ids.wrist, method: 'manual', ...WRIST, dryRun: true });
    assert.deepEqual([dry.model, dry.sensorStreamId, dry.updatedAt], [WRIST, ids.wrist, null]);
    assert.equal((await call('alignment.get', { recordingId: ids.two, sensorStreamId: ids.wrist })).method, 'none', 'a dry run stores nothing');

    const wrist = await call('alignment.set', { recordingId: ids.two, sensorStreamId: ids.wrist, method: 'manual', ...WRIST });
    assert.deepEqual([wrist.model, wrist.inherited], [WRIST, false]);
    const anchors = [0.5, 9].map((video) => ({ video, sensor: videoToSensor(ANKLE, video) }));
    const ankle = await call('alignment.set', { recordingId: ids.two, sensorStreamId: ids.ankle, method: 'anchors', anchors });
    assert.ok(Math.abs(ankle.model.offset - ANKLE.offset) < 1e-9 && Math.abs(ankle.model.drift - ANKLE.drift) < 1e-12, JSON.stringify(ankle.model));
    assert.deepEqual((await call('alignment.get', { recordingId: ids.two, sensorStreamId: ids.wrist })).model, WRIST, 'the ankle leaves the wrist as it was');
    const recordingLevel = await call('alignment.get', { recordingId: ids.two });
    assert.deepEqual([recordingLevel.method, recordingLevel.sensorStreamId], ['none', undefined], "the recording's own model is untouched");

    const view = await call('recordings.get', { recordingId: ids.two });
    const byName = new Map(view.sensors.map((s) => [s.name, s.alignment]));
    assert.deepEqual(byName.get('wrist')!.model, WRIST);
    assert.deepEqual([byName.get('ankle')!.model, byName.get('ankle')!.method, byName.get('ankle')!.inherited], [ankle.model, 'anchors', false]);

    const labels = await call('labels.create', { name: 'step' });
    await call('annotations.create', { recordingId: ids.two, labelId: labels.id, start: 2, end: 3 });
    const listed = await call('annotations.list', { recordingId: ids.two });
    assert.deepEqual(listed.clock, WRIST, "sensor times are on the first wearable's clock");
    assert.deepEqual([listed.annotations[0].startSensor, listed.annotations[0].endSensor], [videoToSensor(WRIST, 2), videoToSensor(WRIST, 3)]);
  });

  it("refuses another recording's stream and an unknown recording", async () => {
    const other = await failure('alignment.set', { recordingId: ids.single, sensorStreamId: ids.wrist, method: 'manual', offset: 1, drift: 0 });
    assert.deepEqual([other.code, other.field], ['NOT_FOUND', 'sensorStreamId']);
    assert.match(other.message, new RegExp(`recording ${ids.single} has no sensor stream ${ids.wrist}`));
    const dry = await failure('alignment.get', { recordingId: ids.single, sensorStreamId: ids.ankle });
    assert.equal(dry.field, 'sensorStreamId');
    const unknown = await failure('alignment.get', { recordingId: 9999, sensorStreamId: ids.wrist });
    assert.deepEqual([unknown.code, unknown.field], ['NOT_FOUND', 'recordingId']);
    assert.equal((await call('alignment.get', { recordingId: ids.single, sensorStreamId: ids.acc })).method, 'none', 'nothing was stored on the refused calls');
  });

  it('answers a single-wearable recording as before: its model is the recording’s', async () => {
    const stored = await call('alignment.set', { recordingId: ids.single, method: 'manual', offset: 0.75, drift: 0 });
    assert.equal(stored.sensorStreamId, undefined);
    const view = await call('recordings.get', { recordingId: ids.single });
    assert.deepEqual(view.alignment, stored);
    assert.deepEqual([view.sensors[0].alignment.model, view.sensors[0].alignment.inherited], [{ offset: 0.75, drift: 0 }, true]);
    assert.deepEqual((await call('annotations.list', { recordingId: ids.single })).clock, { offset: 0.75, drift: 0 });
  });
});
