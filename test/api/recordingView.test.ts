/**
 * The recording view's API methods through the dispatcher, as the renderer calls them: on a
 * generated demo clip (video, accelerometer, skeleton), a synthetic stream whose every sample is
 * known, and the mini UTD-MHAD with its depth transcoded to video.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDispatcher } from '../../main/api/dispatch.ts';
import { createStudioService } from '../../main/api/service.ts';
import { generateDemo } from '../../main/datasets/demo/generate.ts';
import type { DemoManifest } from '../../main/datasets/demo/manifest.ts';
import { importDemo } from '../../main/datasets/demoImport.ts';
import { importUtdMhad } from '../../main/datasets/utdMhad.ts';
import { gafFromRows } from '../../main/shared/gaf.ts';
import { closeProject, createProject } from '../../main/store/project.ts';
import { addRecordings, listRecordings } from '../../main/store/recordings.ts';
import { fixtures, tempDir } from '../helpers/tmp.ts';
import { apiCaller } from '../helpers/api.ts';
import { variableClip, variableStart } from '../renderer/frameClips.ts';

const dir = tempDir('vskd-view-api-');
const RATE = 100;
const SECONDS = 60;
/** channel c of the synthetic stream at row r */
const synthetic = (r: number, c: number) => Math.sin((2 * Math.PI * r) / (50 + 17 * c)) * (c + 1) + (r % 7 === 0 ? 0.5 : 0);

const f32 = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
};
const f64 = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64');
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

describe('recording view API', () => {
  const service = createStudioService({ version: 'test', emit: () => {} });
  const dispatch = createDispatcher(service.handlers);
  const { call, failure } = apiCaller(dispatch);
  let manifest: DemoManifest;
  const ids = { clip: 0, synthetic: 0, syntheticStream: 0, irregularStream: 0, utd: 0, phone: 0 };

  before(
    async () => {
      const data = join(dir, 'demo');
      manifest = await generateDemo(data, { classes: ['wave', 'clap'], perClass: 1, seconds: 4, sessions: 0 });
      const path = join(dir, 'view.vskd');
      const project = await createProject(path);
      await importDemo(project, data);
      const rows = RATE * SECONDS;
      const values = Float64Array.from({ length: rows * 3 }, (_, i) => synthetic(Math.floor(i / 3), i % 3));
      // irregular: row r at r² / 2000 s, channel 0 = its time
      const times = Float64Array.from({ length: 200 }, (_, r) => (r * r) / 2000);
      await addRecordings(project.db, [
        {
          name: 'synthetic',
          sources: [],
          streams: [
            {
              kind: 'sensor',
              name: 'regular',
              rate: RATE,
              length: rows,
              channels: ['x', 'y', 'z'].map((name) => ({ name, unit: 'g' })),
              samples: { rows, cols: 3, data: values },
            },
            {
              kind: 'sensor',
              name: 'irregular',
              rate: 100,
              length: 200,
              channels: [{ name: 't', unit: 's' }],
              samples: { rows: 200, cols: 1, data: times.slice(), timestamps: times },
            },
          ],
        },
      ]);
      // a phone's variable-rate clip, with a sensor whose file's clock starts at −0.54 s
      const phoneVideo = await variableClip(dir);
      await addRecordings(project.db, [
        {
          name: 'phone',
          sources: [],
          streams: [
            { kind: 'video', name: 'video', rate: 40, length: 24, meta: { path: phoneVideo, duration: 0.6, width: 64, height: 48 } },
            {
              kind: 'sensor',
              name: 'acc',
              rate: 50,
              length: 100,
              channels: ['x', 'y', 'z'].map((name) => ({ name, unit: 'g' })),
              meta: { startTime: -0.54 },
              samples: { rows: 100, cols: 3, data: new Float64Array(300) },
            },
          ],
        },
      ]);
      await importUtdMhad(project, join(fixtures, 'utd-mhad-mini'), { withVideo: true });
      for (const r of await listRecordings(project.db)) {
        if (r.name === manifest.recordings[0].name) ids.clip = r.id;
        if (r.name === 'a1_s1_t1') ids.utd = r.id;
        if (r.name === 'phone') ids.phone = r.id;
        if (r.name === 'synthetic') {
          ids.synthetic = r.id;
          ids.syntheticStream = r.streams.find((s) => s.name === 'regular')!.id;
          ids.irregularStream = r.streams.find((s) => s.name === 'irregular')!.id;
        }
      }
      await closeProject(project);
      await call('project.open', { path });
    },
    { timeout: 240_000 },
  );
  after(() => service.dispose());

  it('recordings.get: the video to play, the sensor streams with their extent, the skeleton', async () => {
    const view = await call('recordings.get', { recordingId: ids.clip });
    assert.equal(view.recording.name, manifest.recordings[0].name);
    assert.equal(view.alignment.method, 'none');
    assert.deepEqual(view.alignment.model, { offset: 0, drift: 0 });
    assert.ok(view.video && view.skeleton, 'the clip has a video and a skeleton');
    assert.equal(view.video.contentType, 'video/mp4');
    assert.equal(view.video.fps, 30);
    assert.equal(view.video.frames, 120);
    assert.ok(Math.abs(view.video.duration - 4) < 0.05, `duration ${view.video.duration}`);
    assert.equal(view.sensors.length, 1);
    const [sensor] = view.sensors;
    assert.equal(sensor.start, 0);
    assert.ok(Math.abs(sensor.end - (sensor.rows - 1) / sensor.rate) < 0.05, `the stream ends at its last sample (${sensor.end} s)`);
    assert.equal(view.skeleton.frames, 120);
    assert.equal(view.skeleton.projection, null, "the demo's skeleton is in world metres, not a camera's space");

    const utd = await call('recordings.get', { recordingId: ids.utd });
    assert.equal(utd.skeleton?.projection, 'kinect-depth');
    assert.equal(utd.video?.contentType, 'video/mp4');
    assert.equal((await failure('recordings.get', { recordingId: 4242 })).code, 'NOT_FOUND');
  });

  it("recordings.get: a variable-rate video's own frame times, none for a constant rate; the sensor's own time origin", async () => {
    const phone = await call('recordings.get', { recordingId: ids.phone });
    assert.ok(phone.video?.frameTimes, 'a variable-rate clip sends its frame times');
    assert.deepEqual(
      Array.from(f64(phone.video.frameTimes), (t) => t.toFixed(4)),
      Array.from({ length: 24 }, (_, k) => variableStart(k).toFixed(4)),
    );
    assert.equal(phone.video.frames, 24);
    assert.equal(phone.sensors[0].timeOrigin, -0.54, "the trace reads the file's own clock");
    const clip = await call('recordings.get', { recordingId: ids.clip });
    assert.equal(clip.video?.frameTimes, null, 'a constant-rate clip: frame k at k / fps');
    assert.equal(clip.sensors[0].timeOrigin, clip.recording.streams.find((s) => s.kind === 'sensor')?.meta.startTime);
    const synthetic = await call('recordings.get', { recordingId: ids.synthetic });
    assert.deepEqual(
      synthetic.sensors.map((s) => s.timeOrigin),
      [0, 0],
      'no start time stored: the axis counts from 0',
    );
  });

  it('streams.trace: the asked channels whole, as float32 channel after channel', async () => {
    const rows = RATE * SECONDS;
    const trace = await call('streams.trace', { streamId: ids.syntheticStream });
    assert.deepEqual([trace.rows, trace.rate, trace.times], [rows, RATE, null], 'a regular stream: row r at r / rate');
    assert.deepEqual(trace.channels, [0, 1, 2], 'the first three channels unless asked');
    const values = f32(trace.values);
    assert.equal(values.length, 3 * rows);
    for (let c = 0; c < 3; c++) for (let r = 0; r < rows; r += 37) assert.equal(values[c * rows + r], Math.fround(synthetic(r, c)), `row ${r}, channel ${c}`);

    const third = await call('streams.trace', { streamId: ids.syntheticStream, channels: [2] });
    assert.deepEqual(
      Array.from(f32(third.values).subarray(0, 5)),
      [0, 1, 2, 3, 4].map((r) => Math.fround(synthetic(r, 2))),
      'channel 2 alone',
    );

    const irregular = await call('streams.trace', { streamId: ids.irregularStream });
    assert.ok(irregular.times !== null, 'an irregular stream sends its times');
    const times = f64(irregular.times);
    assert.equal(times.length, 200);
    assert.equal(times[13], (13 * 13) / 2000, 'row 13 at its own time');
    assert.deepEqual(
      Array.from(f32(irregular.values)),
      Array.from(times, (t) => Math.fround(t)),
      'channel 0 holds each row’s time',
    );
  });

  it('streams.trace refuses a video stream and a channel the stream lacks', async () => {
    const view = await call('recordings.get', { recordingId: ids.clip });
    const video = await failure('streams.trace', { streamId: view.video?.streamId });
    assert.equal(video.field, 'streamId');
    assert.match(video.message, /video stream, not a sensor stream/);
    assert.equal((await failure('streams.trace', { streamId: ids.syntheticStream, channels: [3] })).field, 'channels.0');
  });

  it('gaf.window: the GAF of the samples around the asked sensor time', async () => {
    // start + ½ sample = row 500: the window's points are exactly rows 500…699
    const seconds = 2;
    const center = 500 / RATE - 0.5 / RATE + seconds / 2;
    for (const method of ['summation', 'difference'] as const) {
      const gaf = await call('gaf.window', { streamId: ids.syntheticStream, center, seconds, size: 32, method });
      assert.equal(gaf.center, center);
      assert.ok(Math.abs(gaf.start - (center - 1)) < 1e-12 && Math.abs(gaf.end - (center + 1)) < 1e-12, 'the window is centred on the asked time');
      assert.equal(gaf.samples, 200);
      // the project stores float32 samples
      const rows = Float64Array.from({ length: 200 * 3 }, (_, i) => Math.fround(synthetic(500 + Math.floor(i / 3), i % 3)));
      const expected = gafFromRows(rows, 200, 3, [0, 1, 2], { size: 32, method });
      const got = f32(gaf.values);
      assert.equal(got.length, 3 * 32 * 32);
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
      assert.ok(worst < 1e-5, `${method}: largest difference ${worst}`);
    }
    const single = await call('gaf.window', { streamId: ids.syntheticStream, center: 0, seconds: 1, size: 16, method: 'summation', channels: [1] });
    assert.equal(f32(single.values).length, 16 * 16, 'one channel, one image');
    assert.ok(
      f32(single.values).every((v) => v >= -1 - 1e-6 && v <= 1 + 1e-6),
      'a window past the start still has values in [-1, 1]',
    );
    assert.equal((await failure('gaf.window', { streamId: ids.syntheticStream, center: 0, seconds: 0, size: 16, method: 'summation' })).field, 'seconds');
  });

  it('alignment.set stores a manual offset, a fit of anchors and an auto result; alignment.get reads it back', async () => {
    const manual = await call('alignment.set', { recordingId: ids.synthetic, method: 'manual', offset: 1.25 });
    assert.deepEqual(manual.model, { offset: 1.25, drift: 0 });
    assert.equal(manual.method, 'manual');
    assert.deepEqual((await call('alignment.get', { recordingId: ids.synthetic })).model, { offset: 1.25, drift: 0 });

    const anchors = [
      { video: 1, sensor: 3.5 },
      { video: 41, sensor: 43.504 },
    ];
    const fitted = await call('alignment.set', { recordingId: ids.synthetic, method: 'anchors', anchors });
    assert.equal(fitted.method, 'anchors');
    assert.ok(Math.abs(fitted.model.drift - 1e-4) < 1e-9, `drift ${fitted.model.drift}`);
    assert.ok(Math.abs(fitted.model.offset - 2.4999) < 1e-9, `offset ${fitted.model.offset}`);
    assert.deepEqual(fitted.detail.anchors, anchors);
    assert.equal(fitted.detail.residuals?.length, 2);

    const windows = [{ start: 0, end: 30, offset: 0.5, ncc: 0.8, used: true }];
    const auto = await call('alignment.set', { recordingId: ids.synthetic, method: 'auto', offset: 0.5, drift: 0, confidence: 0.6, ncc: 0.8, windows });
    assert.deepEqual(auto.detail, { confidence: 0.6, ncc: 0.8, windows });

    assert.equal((await failure('alignment.set', { recordingId: ids.synthetic, method: 'anchors', anchors: [] })).field, 'anchors');
    assert.equal((await failure('alignment.set', { recordingId: ids.synthetic, method: 'manual', offset: 1, drift: -2 })).field, 'alignment.drift');
    assert.equal((await failure('alignment.set', { recordingId: ids.synthetic, method: 'guess', offset: 1 })).field, 'method');
  });

  it("alignment.auto finds the demo clip's true offset without storing it", async () => {
    const result = await call('alignment.auto', { recordingId: ids.clip });
    const view = await call('recordings.get', { recordingId: ids.clip });
    const entry = manifest.recordings[0];
    const startTime = view.recording.streams.find((s) => s.kind === 'sensor')?.meta.startTime as number;
    const truth = entry.offset - startTime;
    assert.ok(Math.abs(result.model.offset - truth) < 1 / 30, `offset ${result.model.offset}, truth ${truth}`);
    assert.ok(result.confidence > 0, 'a distinct peak');
    assert.equal(view.alignment.method, 'none', 'auto-sync only proposes');
    const noVideo = await failure('alignment.auto', { recordingId: ids.synthetic });
    assert.equal(noVideo.field, 'recordingId', 'a recording without a video cannot be auto-synced');
    assert.match(noVideo.message, /^synthetic has no video: auto-sync matches a video's motion/);
    assert.doesNotMatch(noVideo.message, /meta\.path/, 'no internal field named');
  });

  it('skeleton.get: the frames as stored, or hip-centred, with the bones between named joints', async () => {
    const raw = await call('skeleton.get', { recordingId: ids.utd });
    assert.equal(raw.joints, 20);
    assert.equal(raw.bones.length, 19, 'a 20-joint Kinect skeleton is a tree of 19 bones');
    assert.equal(raw.projection, 'kinect-depth');
    const data = f32(raw.data);
    assert.equal(data.length, raw.frames * 20 * 3);
    assert.ok(data[2] > 1, `Kinect camera space: the head is metres in front of the camera (z = ${data[2]})`);

    const centred = await call('skeleton.get', { recordingId: ids.utd, centre: 'hip' });
    assert.equal(centred.projection, null, 'a centred pose has left the camera space');
    const hip = centred.jointNames.indexOf('hip_center');
    const values = f32(centred.data);
    for (let f = 0; f < centred.frames; f++) for (let k = 0; k < 3; k++) assert.equal(values[(f * 20 + hip) * 3 + k], 0, `hip of frame ${f} at the origin`);

    const demo = await call('skeleton.get', { recordingId: ids.clip });
    assert.ok(demo.bones.length >= 15, `the demo's hand-less skeleton keeps its other bones (${demo.bones.length})`);
    assert.ok(
      demo.bones.every(([a, b]) => a < demo.joints && b < demo.joints),
      'bones join existing joints',
    );
    assert.equal((await failure('skeleton.get', { recordingId: ids.synthetic })).code, 'NOT_FOUND');
  });
});
