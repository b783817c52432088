import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { renderBackground, renderPose } from '../../main/datasets/demo/figure.ts';
import { generateDemo, planDemo, type DemoOptions } from '../../main/datasets/demo/generate.ts';
import type { DemoManifest } from '../../main/datasets/demo/manifest.ts';
import { poseAt } from '../../main/datasets/demo/skeleton.ts';
import { importDemo } from '../../main/datasets/demoImport.ts';
import type { StudioError } from '../../main/errors.ts';
import { sha256 } from '../../main/files/checksum.ts';
import { decodeFrames } from '../../main/media/frames.ts';
import { probeVideo } from '../../main/media/probe.ts';
import { createProject } from '../../main/store/project.ts';
import { listRecordings } from '../../main/store/recordings.ts';
import { readSamples } from '../../main/store/samples.ts';
import { main } from '../../main/cli/main.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const out = join(dir, 'demo');
const tiny: DemoOptions = { seed: 3, classes: ['wave', 'squat'], perClass: 1, seconds: 2, sessionSeconds: 14 };
let manifest: DemoManifest;

describe('demo dataset, end to end', () => {
  before(async () => {
    manifest = await generateDemo(out, tiny);
  });

  it('writes playable 30 fps H.264 videos of the planned length', async () => {
    assert.deepEqual(manifest.recordings.map((r) => r.name), ['wave_s1_c1', 'squat_s1_c1']);
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
    assert.deepEqual(manifest.classes.map((c) => c.name), ['wave', 'squat']);
    const wave = manifest.recordings[0];
    assert.ok(Math.abs(wave.offset) <= 2 && Math.abs(wave.drift) <= 200e-6, `${wave.offset} ${wave.drift}`);
    assert.ok(wave.action.start > 0 && wave.action.end < 2 && wave.action.start < wave.action.end, JSON.stringify(wave.action));
    const lines = readFileSync(join(out, wave.sensor), 'utf8').trim().split('\n');
    assert.equal(lines[0], 't,acc_x,acc_y,acc_z');
    const times = lines.slice(1).map((l) => Number(l.split(',')[0]));
    // the sensor covers the video, which starts at sensor time `offset`, with a second to spare each side
    assert.ok(times[0] <= wave.offset - 0.98 && times.at(-1)! >= 2 * (1 + wave.drift) + wave.offset + 0.98, `${times[0]}..${times.at(-1)}`);
    assert.ok(Math.abs(times[1] - times[0] - 0.02) < 1e-9, 'sampled at 50 Hz');
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
    const times = readFileSync(join(out, session.sensor), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
    assert.ok(times[0] <= session.offset - 0.98 && times.at(-1)! >= 14 * (1 + session.drift) + session.offset + 0.98, `${times[0]}..${times.at(-1)}`);
  });

  it('refuses a session too short to hold an action', async () => {
    const err: string[] = [];
    const code = await main(['demo-data', '--out', join(dir, 'short'), '--session-seconds', '5'], { out: () => {}, err: (l) => err.push(l), interactive: false });
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
    assert.deepEqual(recordings.map((r) => [r.name, r.label, r.subject, r.trial]), [
      ['wave_s1_c1', 'wave', 's1', 1],
      ['squat_s1_c1', 'squat', 's1', 1],
    ]);
    const [wave] = recordings;
    const sensor = wave.streams.find((s) => s.kind === 'sensor')!;
    const video = wave.streams.find((s) => s.kind === 'video')!;
    assert.equal(sensor.rate, 50);
    assert.deepEqual(sensor.channels.map((c) => `${c.name} ${c.unit}`), ['acc_x g', 'acc_y g', 'acc_z g']);
    const csv = readFileSync(join(out, manifest.recordings[0].sensor), 'utf8').trim().split('\n');
    const samples = await readSamples(project.db, sensor.id);
    assert.equal(samples.rows, csv.length - 1);
    assert.equal(sensor.meta.startTime, Number(csv[1].split(',')[0]));
    assert.ok(Math.abs(samples.data[1] - Number(csv[1].split(',')[2])) < 1e-5, 'acc_y of the first row');

    const videoPath = join(out, 'videos', 'wave_s1_c1.mp4');
    assert.equal(video.rate, 30);
    assert.equal(video.length, 60);
    assert.deepEqual(video.meta, { path: videoPath, width: 320, height: 240, codec: 'h264', duration: 2 });

    const sources = await project.db.all<{ role: string; path: string; sha256: string }>('SELECT role, path, sha256 FROM sources WHERE recording_id = ? ORDER BY role', [wave.id]);
    assert.deepEqual(sources.map((s) => s.role), ['sensor', 'video']);
    assert.equal(sources[1].sha256, sha256(readFileSync(videoPath)));
    // the true offsets are the test's ground truth, not the project's
    assert.equal((await project.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM clock_alignments'))!.n, 0);

    const again = await importDemo(project, out);
    assert.equal(again.imported, 0);
    assert.deepEqual(again.skipped, ['wave_s1_c1', 'squat_s1_c1']);

    // sessions come only when asked for, with no label: they belong to no class
    const withSessions = await importDemo(project, out, { sessions: true });
    assert.equal(withSessions.imported, 1);
    assert.deepEqual(withSessions.skipped, ['wave_s1_c1', 'squat_s1_c1']);
    const session = (await listRecordings(project.db)).find((r) => r.name === 'session1_s1')!;
    assert.deepEqual([session.label, session.subject, session.trial], [null, 's1', null]);
    assert.deepEqual(session.streams.map((s) => s.kind).sort(), ['sensor', 'video']);
    assert.equal(session.streams.find((s) => s.kind === 'video')!.length, 14 * 30);
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
