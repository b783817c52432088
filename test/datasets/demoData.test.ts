import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { STANDARD_GRAVITY, toSensorTime } from '../../main/datasets/demo/accelerometer.ts';
import { skeletonFrames } from '../../main/datasets/demo/bodyPose.ts';
import { renderBackground, renderPose } from '../../main/datasets/demo/figure.ts';
import { generateDemo, planDemo, planSessions, type DemoOptions } from '../../main/datasets/demo/generate.ts';
import type { DemoManifest } from '../../main/datasets/demo/manifest.ts';
import { poseAt } from '../../main/datasets/demo/skeleton.ts';
import { importDemo } from '../../main/datasets/demoImport.ts';
import type { StudioError } from '../../main/shared/errors.ts';
import { sha256 } from '../../main/files/checksum.ts';
import { decodeFrames } from '../../main/media/frames.ts';
import { probeVideo } from '../../main/media/probe.ts';
import { createProject } from '../../main/store/project.ts';
import { listRecordings } from '../../main/store/recordings.ts';
import { listAnnotations } from '../../main/store/annotations.ts';
import { mulberry32 } from '../../main/random.ts';
import { readSamples } from '../../main/store/samples.ts';
import { readSkeleton } from '../../main/sensors/skeleton.ts';
import { writeMat } from '../../main/sensors/matWriter.ts';
import { UTD_MHAD_HIP_CENTRE } from '../../main/train/models/pose.ts';
import { main } from '../../main/cli/main.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const out = join(dir, 'demo');
const tiny: DemoOptions = { seed: 3, classes: ['wave', 'squat'], perClass: 1, seconds: 2, sessionSeconds: 14, width: 320, height: 240 };
let manifest: DemoManifest;

function correlation(a: number[], b: number[]): number {
  const mean = (v: number[]) => v.reduce((sum, x) => sum + x, 0) / v.length;
  const [ma, mb] = [mean(a), mean(b)];
  let [ab, aa, bb] = [0, 0, 0];
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('demo dataset, end to end', () => {
  before(async () => {
    manifest = await generateDemo(out, tiny);
  });

  it('writes playable 30 fps H.264 videos of the planned length', async () => {
    assert.deepEqual(
      manifest.recordings.map((r) => r.name),
      ['wave_s1_c1', 'squat_s1_c1'],
    );
    for (const r of manifest.recordings) {
      const info = await probeVideo(join(out, r.video));
      assert.equal(info.codec, 'h264');
      assert.equal(info.pixFmt, 'yuv420p');
      assert.equal(info.fps, 30);
      assert.equal(info.frameCount, 60);
      assert.equal(r.frames, 60);
      assert.deepEqual([info.width, info.height], [320, 240]);
    }
    // no temporary files are left behind
    assert.ok(!existsSync(join(out, 'videos', 'wave_s1_c1.mp4.partial')), 'no .partial left');
  });

  it('shows the planned motion in the video', async () => {
    const plan = planDemo(tiny)[0];
    const frame = 40;
    const decoded = await decodeFrames(join(out, manifest.recordings[0].video), [frame], { width: 320, height: 240, channels: 3 });
    const draw = (t: number) => renderPose(poseAt(plan.motion, t), plan.view, renderBackground(plan.view), plan.motion.body.headRadius);
    const [now, atStart] = [draw(frame / 30), draw(0)];
    // where the figure moved between the two moments, the video matches the later one
    let [toNow, toStart, moved] = [0, 0, 0];
    for (let i = 0; i < now.length; i++) {
      if (Math.abs(now[i] - atStart[i]) < 60) continue;
      moved++;
      toNow += Math.abs(decoded[i] - now[i]);
      toStart += Math.abs(decoded[i] - atStart[i]);
    }
    assert.ok(moved > 300, `${moved} values changed`);
    assert.ok(toNow / moved < 25 && toStart / moved > 60, `mean difference ${toNow / moved} to frame ${frame}, ${toStart / moved} to frame 0`);
  });

  it('writes the accelerometer on the sensor clock and the ground truth in demo.json', () => {
    const onDisk = JSON.parse(readFileSync(join(out, 'demo.json'), 'utf8')) as DemoManifest;
    assert.deepEqual(onDisk, manifest);
    assert.equal(manifest.seed, 3);
    assert.deepEqual(
      manifest.classes.map((c) => c.name),
      ['wave', 'squat'],
    );
    const wave = manifest.recordings[0];
    assert.ok(Math.abs(wave.offset) <= 2 && Math.abs(wave.drift) <= 200e-6, `${wave.offset} ${wave.drift}`);
    // the subject's strap turns the sensor 15–45° about x, either way, the same on every recording of the subject
    assert.ok(Math.abs(wave.sensorTilt!) >= (15 * Math.PI) / 180 && Math.abs(wave.sensorTilt!) <= (45 * Math.PI) / 180, `tilt ${wave.sensorTilt}`);
    assert.equal(manifest.sessions[0].sensorTilt, wave.sensorTilt, 'subject s1 wears it alike');
    assert.ok(wave.action.start > 0 && wave.action.end < 2 && wave.action.start < wave.action.end, JSON.stringify(wave.action));
    const lines = readFileSync(join(out, wave.sensor), 'utf8').trim().split('\n');
    assert.equal(lines[0], 't,acc_x,acc_y,acc_z');
    const times = lines.slice(1).map((l) => Number(l.split(',')[0]));
    // a clip's sensor starts and ends with its video (which starts at sensor time `offset`), to a sample period
    const videoEnd = 2 * (1 + wave.drift) + wave.offset;
    assert.ok(
      times[0] >= wave.offset && times[0] < wave.offset + 0.02 && times.at(-1)! <= videoEnd && times.at(-1)! > videoEnd - 0.02,
      `${times[0]}..${times.at(-1)}`,
    );
    assert.ok(Math.abs(times[1] - times[0] - 0.02) < 1e-9, 'sampled at 50 Hz');
  });

  it("writes the ground-truth segments as annotation CSVs: the clips' in one file, each session's in its own", () => {
    assert.equal(manifest.annotations, 'annotations/clips.csv');
    const clips = readFileSync(join(out, manifest.annotations!), 'utf8').trim().split('\n');
    assert.equal(clips[0], 'recording,start,end,label,time_base');
    assert.deepEqual(
      clips.slice(1).map((l) => l.split(',')),
      manifest.recordings.map((r) => [r.name, String(r.action.start), String(r.action.end), r.label, 'video']),
    );
    const [session] = manifest.sessions;
    assert.equal(session.annotations, 'annotations/session1_s1.csv');
    const rows = readFileSync(join(out, session.annotations!), 'utf8').trim().split('\n').slice(1);
    assert.deepEqual(
      rows.map((l) => l.split(',')),
      session.segments.map((g) => ['session1_s1', String(g.start), String(g.end), g.label, 'video']),
    );
  });

  it('writes a session: a smaller video of the classes in turn, its accelerometer, and its actions in demo.json', async () => {
    assert.equal(manifest.sessions.length, 1);
    const session = manifest.sessions[0];
    assert.equal(session.name, 'session1_s1');
    const info = await probeVideo(join(out, session.video));
    assert.deepEqual([info.codec, info.width, info.height, info.frameCount], ['h264', 160, 120, 14 * 30]);
    assert.deepEqual([session.width, session.height, session.frames], [160, 120, 14 * 30]);
    assert.ok(Math.abs(session.drift) >= 100e-6 && Math.abs(session.drift) <= 300e-6, `drift ${session.drift}`);
    assert.ok(session.segments.length >= 1, 'at least one action');
    for (const g of session.segments) assert.ok(['wave', 'squat'].includes(g.label) && g.start > 0 && g.end < 14 && g.start < g.end, JSON.stringify(g));
    const times = readFileSync(join(out, session.sensor), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.split(',')[0]));
    assert.ok(times[0] <= session.offset - 0.98 && times.at(-1)! >= 14 * (1 + session.drift) + session.offset + 0.98, `${times[0]}..${times.at(-1)}`);
  });

  it("writes each recording's skeleton: d_skel of its joints at the video's frames, 1 cm noise, hip centre 4th", async () => {
    const names = manifest.skeleton!.jointNames;
    assert.equal(names[UTD_MHAD_HIP_CENTRE], 'hip_center');
    assert.equal(manifest.skeleton!.noise, 0.01);
    const plans = [...planDemo(tiny), ...planSessions(tiny)];
    for (const [i, r] of [...manifest.recordings, ...manifest.sessions].entries()) {
      assert.equal(r.skeleton, `skeletons/${r.name}_skeleton.mat`);
      const skeleton = await readSkeleton(join(out, r.skeleton!));
      const { frameCount } = await probeVideo(join(out, r.video));
      assert.deepEqual([skeleton.joints, skeleton.frames], [names.length, frameCount]);
      // the file is the planned motion's noiseless joints (row-major F × J × 3 here) plus about 1 cm of noise
      const clean = skeletonFrames(plans[i].motion, frameCount, 30, 0, mulberry32(0));
      let squares = 0;
      for (let f = 0; f < frameCount; f++) {
        for (let j = 0; j < names.length; j++) {
          for (let k = 0; k < 3; k++) squares += (skeleton.data[(f * names.length + j) * 3 + k] - clean[j + names.length * (k + 3 * f)]) ** 2;
        }
      }
      const sd = Math.sqrt(squares / skeleton.data.length);
      assert.ok(sd > 0.008 && sd < 0.012, `${r.name}: skeleton noise ${sd} m`);
    }
  });

  it("moves the skeleton's right wrist as the accelerometer says, on the known clock", async () => {
    const wave = manifest.recordings[0];
    const skeleton = await readSkeleton(join(out, wave.skeleton!));
    const wrist = manifest.skeleton!.jointNames.indexOf('right_wrist');
    const rows = readFileSync(join(out, wave.sensor), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').map(Number));
    // differentiated over 2 frames either side: over 1, the 1 cm noise would swamp the motion
    const step = 2;
    const dt = step / 30;
    const [fromSkeleton, fromSensor] = [[] as number[], [] as number[]];
    for (let f = step; f < skeleton.frames - step; f++) {
      const t = toSensorTime(wave, f / 30);
      const after = rows.findIndex((row) => row[0] > t);
      const w = (t - rows[after - 1][0]) / (rows[after][0] - rows[after - 1][0]);
      const reading = (k: number) => (1 - w) * rows[after - 1][k + 1] + w * rows[after][k + 1];
      // the sensor's axes are the world's turned about x by the strap: turned back, y = y' cos α − z' sin α
      const tilt = wave.sensorTilt!;
      const world = [reading(0), reading(1) * Math.cos(tilt) - reading(2) * Math.sin(tilt)];
      for (const k of [0, 1]) {
        const x = (frame: number) => skeleton.data[(frame * skeleton.joints + wrist) * 3 + k];
        fromSkeleton.push((x(f - step) - 2 * x(f) + x(f + step)) / (dt * dt));
        // the sensor reads specific force in g: y holds gravity's 1 g besides the wrist's acceleration
        fromSensor.push((world[k] - k) * STANDARD_GRAVITY);
      }
    }
    const r = correlation(fromSkeleton, fromSensor);
    assert.ok(r > 0.5, `correlation ${r}`);
  });

  it('refuses a session too short to hold an action', async () => {
    const err: string[] = [];
    const code = await main(['demo-data', '--out', join(dir, 'short'), '--session-seconds', '5'], {
      out: () => {},
      err: (l) => err.push(l),
      interactive: false,
    });
    assert.equal(code, 1);
    assert.match(err.join('\n'), /sessionSeconds must be 0 \(no sessions\) or at least/);
  });

  it('refuses to write over a finished dataset', async () => {
    await assert.rejects(generateDemo(out, tiny), (err: StudioError) => err.code === 'CONFLICT' && err.message.includes('demo.json'));
  });

  it('imports one recording per clip with its sensor samples and video, leaving alignment alone', async () => {
    const project = await createProject(join(dir, 'demo.vskd'));
    const report = await importDemo(project, out);
    assert.equal(report.imported, 2);
    const recordings = await listRecordings(project.db);
    assert.deepEqual(
      recordings.map((r) => [r.name, r.label, r.subject, r.trial]),
      [
        ['wave_s1_c1', 'wave', 's1', 1],
        ['squat_s1_c1', 'squat', 's1', 1],
      ],
    );
    const [wave] = recordings;
    const sensor = wave.streams.find((s) => s.kind === 'sensor')!;
    const video = wave.streams.find((s) => s.kind === 'video')!;
    assert.equal(sensor.rate, 50);
    assert.deepEqual(
      sensor.channels.map((c) => `${c.name} ${c.unit}`),
      ['acc_x g', 'acc_y g', 'acc_z g'],
    );
    const csv = readFileSync(join(out, manifest.recordings[0].sensor), 'utf8').trim().split('\n');
    const samples = await readSamples(project.db, sensor.id);
    assert.equal(samples.rows, csv.length - 1);
    assert.equal(sensor.meta.startTime, Number(csv[1].split(',')[0]));
    assert.ok(Math.abs(samples.data[1] - Number(csv[1].split(',')[2])) < 1e-5, 'acc_y of the first row');

    const videoPath = join(out, 'videos', 'wave_s1_c1.mp4');
    assert.equal(video.rate, 30);
    assert.equal(video.length, 60);
    assert.deepEqual(video.meta, { path: videoPath, width: 320, height: 240, codec: 'h264', duration: 2 });

    const sources = await project.db.all<{ role: string; path: string; sha256: string }>(
      'SELECT role, path, sha256 FROM sources WHERE recording_id = ? ORDER BY role',
      [wave.id],
    );
    assert.deepEqual(
      sources.map((s) => s.role),
      ['sensor', 'skeleton', 'video'],
    );
    assert.equal(sources[2].sha256, sha256(readFileSync(videoPath)));
    assert.ok(existsSync(sources[1].path), `skeleton source ${sources[1].path} exists`);
    assert.equal(sources[1].sha256, sha256(readFileSync(sources[1].path)));
    const skeleton = wave.streams.find((s) => s.kind === 'skeleton')!;
    assert.deepEqual([skeleton.name, skeleton.rate, skeleton.length], ['skeleton', 30, 60]);
    assert.deepEqual(skeleton.meta, { joints: 20, jointNames: manifest.skeleton!.jointNames, variable: 'd_skel', hipCentred: false });
    // the true offsets are the test's ground truth, not the project's
    assert.equal((await project.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM clock_alignments'))!.n, 0);
    // each clip's action is its annotation, on the video clock
    const annotations = await listAnnotations(project.db);
    assert.deepEqual(
      annotations.map((a) => [a.recordingId, a.label, a.timeBase, a.start, a.end]),
      recordings.map((r, i) => [r.id, manifest.recordings[i].label, 'video', manifest.recordings[i].action.start, manifest.recordings[i].action.end]),
    );

    const again = await importDemo(project, out);
    assert.equal(again.imported, 0);
    assert.equal((await listAnnotations(project.db)).length, 2, 'the segments already there are not added twice');
    assert.deepEqual(again.skipped, ['wave_s1_c1', 'squat_s1_c1']);

    // sessions come only when asked for, with no label: they belong to no class
    const withSessions = await importDemo(project, out, { sessions: true });
    assert.equal(withSessions.imported, 1);
    assert.deepEqual(withSessions.skipped, ['wave_s1_c1', 'squat_s1_c1']);
    const session = (await listRecordings(project.db)).find((r) => r.name === 'session1_s1')!;
    assert.deepEqual([session.label, session.subject, session.trial], [null, 's1', null]);
    assert.deepEqual(session.streams.map((s) => s.kind).sort(), ['sensor', 'skeleton', 'video']);
    assert.equal(session.streams.find((s) => s.kind === 'video')!.length, 14 * 30);
    assert.equal(session.streams.find((s) => s.kind === 'skeleton')!.length, 14 * 30);
    assert.deepEqual(
      (await listAnnotations(project.db, { recordingId: session.id })).map((a) => [a.label, a.start, a.end]),
      manifest.sessions[0].segments.map((g) => [g.label, g.start, g.end]),
    );
  });

  it('imports a dataset made before skeletons without them, and refuses a skeleton that does not fit its video', async () => {
    const old = join(dir, 'old');
    cpSync(out, old, { recursive: true });
    const { skeleton: _names, ...rest } = manifest;
    const strip = <T extends { skeleton?: string }>({ skeleton: _file, ...entry }: T) => entry;
    writeFileSync(join(old, 'demo.json'), JSON.stringify({ ...rest, recordings: rest.recordings.map(strip), sessions: rest.sessions.map(strip) }));
    rmSync(join(old, 'skeletons'), { recursive: true });
    const project = await createProject(join(dir, 'old.vskd'));
    assert.equal((await importDemo(project, old)).imported, 2);
    for (const r of await listRecordings(project.db)) assert.deepEqual(r.streams.map((s) => s.kind).sort(), ['sensor', 'video'], r.name);

    // a skeleton file without the joint names is refused as the manifest's fault
    writeFileSync(join(old, 'demo.json'), JSON.stringify({ ...rest, recordings: manifest.recordings }));
    await assert.rejects(
      importDemo(await createProject(join(dir, 'names.vskd')), old),
      (err: StudioError) => err.code === 'BAD_INPUT' && err.message.includes('joint names'),
    );

    const short = join(dir, 'short-skeleton');
    cpSync(out, short, { recursive: true });
    const J = manifest.skeleton!.jointNames.length;
    writeFileSync(
      join(short, manifest.recordings[1].skeleton!),
      writeMat([{ name: 'd_skel', className: 'double', dims: [J, 3, 59], data: new Float64Array(J * 3 * 59) }]),
    );
    const target = await createProject(join(dir, 'short.vskd'));
    await assert.rejects(
      importDemo(target, short),
      (err: StudioError) => err.code === 'BAD_INPUT' && err.message.includes('squat_s1_c1_skeleton.mat') && err.message.includes(`${J}×3×60`),
    );
    assert.equal((await listRecordings(target.db)).length, 0);
  });

  it('writes nothing when cancelled while reading; importing again imports every clip', async () => {
    const project = await createProject(join(dir, 'cancelled.vskd'));
    const stop = new AbortController();
    await assert.rejects(importDemo(project, out, { signal: stop.signal, onProgress: () => stop.abort() }), (err: StudioError) => {
      assert.equal(err.code, 'CANCELLED');
      assert.equal(err.message, `demo import of ${out} cancelled while reading its files: nothing was written`);
      return true;
    });
    assert.equal((await listRecordings(project.db)).length, 0);
    assert.equal((await importDemo(project, out)).imported, 2);
  });

  it('names the missing file when a clip is gone, and imports nothing', async () => {
    const broken = join(dir, 'broken');
    await generateDemo(broken, { ...tiny, classes: ['clap'] });
    rmSync(join(broken, 'sensors', 'clap_s1_c1.csv'));
    const project = await createProject(join(dir, 'broken.vskd'));
    await assert.rejects(importDemo(project, broken), (err: StudioError) => err.code === 'NOT_FOUND' && err.message.includes('clap_s1_c1.csv'));
    assert.equal((await listRecordings(project.db)).length, 0);
    writeFileSync(join(broken, 'demo.json'), '{"format": "something else"}');
    await assert.rejects(importDemo(project, broken), (err: StudioError) => err.code === 'BAD_INPUT' && /format/.test(err.message));
  });
});
