/**
 * A clock model per sensor stream: two wearables of one recording aligned each on its own clock, a
 * third following the recording's model, and a single-wearable recording as it was.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sensorToVideo, videoToSensor } from '../../main/shared/clockModel.ts';
import type { StudioError } from '../../main/shared/errors.ts';
import { getAlignment, getStreamAlignment, sensorStreamModels, setAlignment, setStreamAlignment } from '../../main/store/alignment.ts';
import { listAnnotations, recordingClock } from '../../main/store/annotations.ts';
import { ensureLabels } from '../../main/store/labels.ts';
import { closeProject, createProject } from '../../main/store/project.ts';
import { addRecordings, type RecordingInput } from '../../main/store/recordings.ts';
import { createAnnotation } from '../../main/store/annotations.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('vskd-stream-alignment-');
let n = 0;

const WRIST = { offset: 2.25, drift: 150e-6 };
const ANKLE = { offset: -0.8, drift: -60e-6 };
const RECORDING = { offset: 0.5, drift: 20e-6 };

/** `seconds` of one channel at 50 Hz */
const sensor = (name: string, seconds: number) => {
  const rows = seconds * 50;
  return {
    kind: 'sensor' as const,
    name,
    rate: 50,
    length: rows,
    channels: [{ name: 'x', unit: 'g' }],
    samples: { rows, cols: 1, data: new Float64Array(rows) },
  };
};

async function project(recordings: RecordingInput[]) {
  const opened = await createProject(join(dir, `p${n++}.vskd`));
  const ids = await addRecordings(opened.db, recordings);
  const streams = await opened.db.all<{ id: number; recording_id: number; name: string }>('SELECT id, recording_id, name FROM streams ORDER BY id');
  const stream = (name: string) => streams.find((s) => s.name === name)!.id;
  return { db: opened.db, ids, stream, close: () => closeProject(opened) };
}

const threeWearables: RecordingInput = { name: 'three wearables', sources: [], streams: [sensor('wrist', 20), sensor('ankle', 30), sensor('chest', 10)] };

describe('stream alignment', () => {
  it('aligns each wearable on its own clock; a wearable without a model follows the recording', async () => {
    const { db, ids, stream, close } = await project([threeWearables]);
    const [id] = ids;
    const follows = await getStreamAlignment(db, stream('wrist'));
    assert.deepEqual(follows, {
      recordingId: id,
      model: { offset: 0, drift: 0 },
      method: 'none',
      detail: {},
      updatedAt: null,
      sensorStreamId: stream('wrist'),
      inherited: true,
    });

    const wrist = await setStreamAlignment(db, stream('wrist'), { ...WRIST, method: 'manual' });
    assert.deepEqual([wrist.model, wrist.method, wrist.inherited, wrist.sensorStreamId], [WRIST, 'manual', false, stream('wrist')]);
    const anchors = [
      { video: 1, sensor: videoToSensor(ANKLE, 1) },
      { video: 20, sensor: videoToSensor(ANKLE, 20) },
    ];
    await setStreamAlignment(db, stream('ankle'), { ...ANKLE, method: 'anchors', detail: { anchors, residuals: [0, 0], rms: 0 } });
    await setAlignment(db, id, { ...RECORDING, method: 'manual' });

    assert.deepEqual((await getStreamAlignment(db, stream('wrist'))).model, WRIST, "the recording's model does not move a wearable with its own");
    const ankle = await getStreamAlignment(db, stream('ankle'));
    assert.deepEqual([ankle.model, ankle.method, ankle.detail.anchors], [ANKLE, 'anchors', anchors]);
    const chest = await getStreamAlignment(db, stream('chest'));
    assert.deepEqual([chest.model, chest.method, chest.inherited], [RECORDING, 'manual', true]);
    assert.deepEqual((await getAlignment(db, id)).model, RECORDING, "the recording's own model is its own");
    assert.deepEqual(
      [...(await sensorStreamModels(db, id))],
      [
        [stream('wrist'), WRIST],
        [stream('ankle'), ANKLE],
        [stream('chest'), RECORDING],
      ],
    );
    await close();
  });

  it("puts annotations on the first wearable's clock and reaches each wearable's end through its own model", async () => {
    const { db, ids, stream, close } = await project([threeWearables]);
    const [id] = ids;
    await setStreamAlignment(db, stream('wrist'), { ...WRIST, method: 'manual' });
    await setStreamAlignment(db, stream('ankle'), { ...ANKLE, method: 'manual' });
    const clock = await recordingClock(db, id);
    assert.deepEqual(clock.clock, WRIST, "the sensor time base is the first sensor stream's clock");
    // the ankle's 30 s last longest on the video clock
    const ankleEnd = sensorToVideo(ANKLE, 30);
    assert.ok(Math.abs(clock.extent.video - ankleEnd) < 1e-9, `video extent ${clock.extent.video}`);
    assert.ok(Math.abs(clock.extent.sensor - videoToSensor(WRIST, ankleEnd)) < 1e-9, `sensor extent ${clock.extent.sensor}`);

    const labels = await ensureLabels(db, [{ name: 'step' }]);
    await createAnnotation(db, { recordingId: id, labelId: labels.get('step')!, start: 4, end: 6 });
    const [segment] = await listAnnotations(db, { recordingId: id });
    assert.deepEqual([segment.startSensor, segment.endSensor], [videoToSensor(WRIST, 4), videoToSensor(WRIST, 6)]);
    await close();
  });

  it('leaves a single-wearable recording as it was', async () => {
    const { db, ids, stream, close } = await project([{ name: 'one wearable', sources: [], streams: [sensor('acc', 10)] }]);
    const [id] = ids;
    const stored = await setAlignment(db, id, { ...RECORDING, method: 'manual' });
    assert.deepEqual(Object.keys(stored).sort(), ['detail', 'method', 'model', 'recordingId', 'updatedAt'], 'the recording-level answer keeps its shape');
    const acc = await getStreamAlignment(db, stream('acc'));
    assert.deepEqual([acc.model, acc.inherited, acc.updatedAt], [RECORDING, true, stored.updatedAt]);
    const clock = await recordingClock(db, id);
    assert.deepEqual(clock.clock, RECORDING);
    assert.equal(clock.extent.sensor, 10, 'its own duration, not a round trip through the video clock');
    assert.equal(clock.extent.video, sensorToVideo(RECORDING, 10));
    assert.equal((await db.get<{ n: number }>('SELECT count(*) AS n FROM stream_alignments'))!.n, 0, 'no stream row is written');
    await close();
  });

  it('refuses an unknown stream, a stream that is not a sensor, and a bad model, storing nothing', async () => {
    const video = { kind: 'video' as const, name: 'cam', rate: 30, length: 30, meta: {} };
    const { db, stream, close } = await project([{ name: 'with video', sources: [], streams: [video, sensor('acc', 2)] }]);
    const field = (code: string) => (err: StudioError) => err.code === code && err.detail.field === 'sensorStreamId';
    await assert.rejects(getStreamAlignment(db, 999), field('NOT_FOUND'));
    await assert.rejects(setStreamAlignment(db, 999, { offset: 1, drift: 0, method: 'manual' }), field('NOT_FOUND'));
    await assert.rejects(setStreamAlignment(db, stream('cam'), { offset: 1, drift: 0, method: 'manual' }), /cam|video stream/);
    await assert.rejects(setStreamAlignment(db, stream('acc'), { offset: Number.NaN, drift: 0, method: 'manual' }), /offset/);
    await assert.rejects(setStreamAlignment(db, stream('acc'), { offset: 1, drift: 0, method: 'guess' as 'manual' }), /alignment.method/);
    assert.equal((await db.get<{ n: number }>('SELECT count(*) AS n FROM stream_alignments'))!.n, 0);
    await close();
  });
});
