/**
 * import.session through the API with real ffmpeg: videos in five containers and codecs (two played
 * as they are, two transcoded to a proxy, one remuxed), a phone clip turned a quarter, and two
 * wearables in one recording, each its own stream.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { createDispatcher } from '../../main/api/dispatch.ts';
import { createStudioService } from '../../main/api/service.ts';
import { videoContentType } from '../../main/media/mediaRoute.ts';
import { probeVideo } from '../../main/media/probe.ts';
import { playbackPath } from '../../main/media/proxy.ts';
import { sha256File } from '../../main/files/checksum.ts';
import { mediaDir } from '../../main/store/media.ts';
import { closeProject, openProject } from '../../main/store/project.ts';
import { apiCaller } from '../helpers/api.ts';
import { eventLog, resultOf } from '../helpers/events.ts';
import { tempDir } from '../helpers/tmp.ts';
import { halves, makeTestClip, type ClipKind } from './clips.ts';

const dir = tempDir('vskd-session-');
const log = eventLog();
const service = createStudioService({ version: '0.0.0-test', emit: log.emit });
const { call, failure } = apiCaller(createDispatcher(service.handlers));
const projectPath = join(dir, 'own.vskd');

/** A 50 Hz CSV with a header and its own time column, starting at 1.5 s. */
function wristCsv(name: string, rows: number): string {
  const lines = ['time_s,acc_x,acc_y,acc_z'];
  for (let i = 0; i < rows; i++) lines.push(`${(1.5 + i / 50).toFixed(3)},${Math.sin(i / 5).toFixed(4)},0.1,0.98`);
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n'));
  return path;
}

/** A headerless text file, ax ay az then a unix time, about 31 Hz with uneven steps. */
function ankleTxt(name: string, rows: number): string {
  const lines: string[] = [];
  let t = 1_700_000_000;
  for (let i = 0; i < rows; i++) {
    lines.push(`${Math.cos(i / 4).toFixed(3)} -0.2 1.01 ${t.toFixed(3)}`);
    t += i % 3 === 0 ? 0.025 : 0.0395;
  }
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n'));
  return path;
}

async function importSession(args: Parameters<typeof call<'import.session'>>[1]) {
  const { job } = await call('import.session', args);
  return { job, report: resultOf(await log.ended(job), 'import.session') };
}

const videoOf = async (id: number) => (await call('recordings.find', { ref: String(id) })).streams.find((s) => s.kind === 'video')!;

describe('import.session', { timeout: 300_000 }, () => {
  before(async () => {
    await call('project.create', { path: projectPath });
  });

  const cases: { kind: ClipKind; proxy: 'none' | 'mp4' | 'remux' }[] = [
    { kind: 'h264.mp4', proxy: 'none' },
    { kind: 'vp9.webm', proxy: 'none' },
    { kind: 'hevc.mkv', proxy: 'mp4' },
    { kind: 'mjpeg.avi', proxy: 'mp4' },
    { kind: 'h264.mov', proxy: 'remux' },
  ];
  for (const { kind, proxy } of cases) {
    it(`imports ${kind}${proxy === 'none' ? ', played as it is' : ', with a proxy Chromium plays'}`, async () => {
      const clip = await makeTestClip(dir, kind.replace('.', '-'), kind);
      const { job, report } = await importSession({ video: clip.path, name: `clip ${kind}`, subject: 's1', trial: 2, label: 'wave' });
      assert.equal(report.imported, 1);
      const [{ id }] = report.recordings!;
      const video = await videoOf(id);
      // the original is what frames are decoded from, with its checksum stored
      assert.equal(video.meta.path, clip.path);
      assert.equal(video.length, clip.frames);
      assert.deepEqual([video.meta.width, video.meta.height], [64, 48]);
      const played = playbackPath(video.meta);
      assert.ok(played, 'a file to play');
      assert.match(videoContentType(played) ?? '', /^video\/(mp4|webm)$/);
      if (proxy === 'none') {
        assert.equal(played, clip.path);
        assert.equal(video.meta.needsProxy, false);
        assert.deepEqual(report.videos, { made: 0, reused: 0, failed: [] });
      } else {
        assert.equal(video.meta.needsProxy, true);
        assert.ok(played.startsWith(join(mediaDir(projectPath), 'proxy')), `${played} is in the media folder`);
        const made = await probeVideo(played);
        assert.equal(made.codec, 'h264', 'H.264 in mp4');
        assert.equal(made.frameCount, clip.frames, 'one proxy frame per original frame');
        assert.deepEqual(report.videos, { made: 1, reused: 0, failed: [] });
        // progress in seconds of video, with an ETA once some is done
        const progress = log.payloads('job.progress', job).filter((p) => p.message.startsWith('video prox'));
        assert.ok(progress.length > 0 && progress.at(-1)!.done === progress.at(-1)!.total, 'the proxy step reports to its end');
      }
      const summary = await call('recordings.find', { ref: `clip ${kind}` });
      assert.deepEqual([summary.subject, summary.trial, summary.label], ['s1', 2, 'wave']);
      const reader = await openProject(projectPath);
      const stored = await reader.db.all('SELECT role, path, sha256, bytes FROM sources WHERE recording_id = ?', [id]);
      await closeProject(reader);
      assert.deepEqual(stored, [{ role: 'video', path: clip.path, ...(await sha256File(clip.path)) }], 'the original, with its checksum');
    });
  }

  it('honours a phone clip turned a quarter: shown and decoded upright, its proxy upright without rotation', async () => {
    const phone = await makeTestClip(dir, 'phone', 'h264.mp4', { turned: true });
    assert.equal((await probeVideo(phone.path)).rotation, 90, 'the clip is tagged to be turned a quarter clockwise');
    const { report } = await importSession({ video: phone.path, name: 'phone' });
    const video = await videoOf(report.recordings![0].id);
    assert.deepEqual([video.meta.width, video.meta.height, video.meta.rotation], [48, 64, 90], 'the displayed size is upright');
    assert.equal(playbackPath(video.meta), phone.path, 'Chromium turns an mp4 itself');
    // frames for training come out upright: the stored left half is on top
    const original = await halves(video.meta.path as string, 6, 8);
    assert.ok(original.top > 200 && original.bottom < 50, JSON.stringify(original));

    const turnedHevc = await makeTestClip(dir, 'phone-hevc', 'hevc.mp4', { turned: true });
    const { report: hevc } = await importSession({ video: turnedHevc.path, name: 'phone hevc' });
    const proxied = await videoOf(hevc.recordings![0].id);
    const proxy = playbackPath(proxied.meta)!;
    const info = await probeVideo(proxy);
    assert.deepEqual([info.width, info.height, info.rotation], [48, 64, 0], 'the proxy is stored upright, with no rotation left to apply');
    const shown = await halves(proxy, 6, 8);
    assert.ok(shown.top > 200 && shown.bottom < 50, JSON.stringify(shown));
  });

  it('puts two wearables in one recording, each its own stream with its own source, beside the video', async () => {
    const clip = await makeTestClip(dir, 'session', 'h264.mp4');
    const wrist = wristCsv('watch.csv', 120);
    const ankle = ankleTxt('band.txt', 90);
    const { report } = await importSession({
      video: clip.path,
      sensors: [
        { file: wrist, stream: 'wrist' },
        { file: ankle, stream: 'ankle', options: { timeUnit: 's' } },
      ],
      name: 'session 1',
      subject: 'p07',
      trial: 1,
    });
    const recording = await call('recordings.find', { ref: 'session 1' });
    assert.deepEqual(
      recording.streams.map((s) => `${s.kind} ${s.name}`),
      ['video video', 'sensor wrist', 'sensor ankle'],
    );
    const [, wristStream, ankleStream] = recording.streams;
    assert.equal(wristStream.length, 120);
    assert.ok(Math.abs(wristStream.rate - 50) < 1e-6);
    assert.equal(wristStream.meta.startTime, 1.5);
    assert.equal(ankleStream.channels.length, 3, 'the unix time column is the clock, not a channel');
    // 30 steps of 25 ms and 59 of 39.5 ms: 28.9 Hz by the line fit (the median step would say 25.3 Hz)
    assert.ok(ankleStream.rate > 28.7 && ankleStream.rate < 29.1, `about 28.9 Hz, got ${ankleStream.rate}`);
    assert.equal(ankleStream.meta.regular, false);
    assert.ok(
      report.warnings!.some((w) => w.includes('band.txt')),
      'the headerless columns without units are reported',
    );

    // the same files again: skipped; other files under that name: refused
    const again = await importSession({
      video: clip.path,
      sensors: [
        { file: wrist, stream: 'wrist' },
        { file: ankle, stream: 'ankle', options: { timeUnit: 's' } },
      ],
      name: 'session 1',
    });
    assert.deepEqual([again.report.imported, again.report.skipped], [0, [{ name: 'session 1', reason: 'already in the project' }]]);
    const { job } = await call('import.session', { sensors: [{ file: wrist }], name: 'session 1' });
    const end = await log.ended(job);
    assert.equal(end.status, 'failed');
    assert.match(end.error ?? '', /session 1 is already in the project, from other files/);
  });

  it('refuses what cannot make a recording, storing nothing', async () => {
    const before = (await call('project.summary', {})).recordings;
    assert.match((await failure('import.session', { name: 'x', sensors: [] })).message, /give a video, a sensor file, or both/);
    const missing = await failure('import.session', { name: 'x', video: join(dir, 'nowhere.mp4') });
    assert.equal(missing.field, 'video');
    const wrist = wristCsv('w2.csv', 20);
    const { job: doubled } = await call('import.session', {
      name: 'two wrists',
      sensors: [
        { file: wrist, stream: 'wrist' },
        { file: wrist, stream: 'wrist' },
      ],
    });
    assert.match((await log.ended(doubled)).error ?? '', /two sensor streams named wrist/);
    const notVideo = join(dir, 'not-a-video.mp4');
    writeFileSync(notVideo, 'hello');
    const { job: bad } = await call('import.session', { name: 'bad video', video: notVideo, sensors: [{ file: wrist }] });
    const end = await log.ended(bad);
    assert.equal(end.status, 'failed');
    assert.match(end.error ?? '', /not-a-video\.mp4/);
    assert.equal((await call('project.summary', {})).recordings, before, 'nothing stored');
    assert.ok(!existsSync(join(mediaDir(projectPath), 'proxy', 'bad')));
  });
});
