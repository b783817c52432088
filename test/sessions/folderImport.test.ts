/**
 * A folder of your own recordings by filename pattern, through the API: ~50 headerless sensor files
 * (ax ay az in g, then a unix time) and a few videos paired by subject, label code and trial; the
 * preview first (nothing written), then the import as one job, then a re-import that skips it all.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { createDispatcher } from '../../main/api/dispatch.ts';
import { createStudioService } from '../../main/api/service.ts';
import { playbackPath } from '../../main/media/proxy.ts';
import { apiCaller } from '../helpers/api.ts';
import { eventLog, resultOf } from '../helpers/events.ts';
import { tempDir } from '../helpers/tmp.ts';
import { makeTestClip } from './clips.ts';

const dir = tempDir('vskd-folder-');
const data = join(dir, 'data');
const log = eventLog();
const service = createStudioService({ version: '0.0.0-test', emit: log.emit });
const { call, failure } = apiCaller(createDispatcher(service.handlers));
const labels = { '1': 'walk', '2': 'run', '3': 'jump' };
const patterns = ['acc_{subject}_{label}_{trial}.txt', 'video_{subject}_{label}_{trial}.*'];

/** `rows` samples at about 31 Hz: ax ay az (g), then the unix time in seconds. */
function sensorText(rows: number, seed: number): string {
  const lines: string[] = [];
  for (let i = 0; i < rows; i++)
    lines.push(`${Math.sin(i / 3 + seed).toFixed(4)} ${Math.cos(i / 7).toFixed(4)} 0.98 ${(1_700_000_000 + seed * 100 + i * 0.032).toFixed(3)}`);
  return lines.join('\n');
}

describe('import.folder', { timeout: 300_000 }, () => {
  before(async () => {
    mkdirSync(join(data, 'more'), { recursive: true });
    let n = 0;
    // 3 subjects × 3 actions × 5 trials + 3 in a subfolder: 48 files, one of them cut short
    for (const subject of ['s1', 's2', 's3'])
      for (const code of ['1', '2', '3'])
        for (let trial = 1; trial <= 5; trial++) {
          const short = subject === 's2' && code === '3' && trial === 4;
          writeFileSync(join(data, `acc_${subject}_${code}_${trial}.txt`), sensorText(short ? 20 : 180, n++));
        }
    for (let trial = 1; trial <= 3; trial++) writeFileSync(join(data, 'more', `acc_s4_1_${trial}.txt`), sensorText(180, n++));
    writeFileSync(join(data, 'acc_s4_9_1.txt'), sensorText(180, n++)); // a label code the map lacks
    writeFileSync(join(data, 'acc_s4_2_1.txt'), '1 2 three\n4 5 6\n'); // does not parse
    writeFileSync(join(data, 'README.md'), 'recorded in 2026');
    writeFileSync(join(data, 'acc_s4_2_x.txt'), sensorText(180, n++)); // a trial that is not a number
    await makeTestClip(data, 'video_s1_1_1', 'h264.mp4');
    await makeTestClip(data, 'video_s1_2_1', 'mjpeg.avi');
    await makeTestClip(data, 'video_s2_1_2', 'hevc.mkv');
    await call('project.create', { path: join(dir, 'folder.vskd') });
  });

  it('previews what it would create, writing nothing', async () => {
    // the subfolder's files need their own pattern
    const plan = await call('import.folder.preview', { dir: data, patterns: [...patterns, 'more/acc_{subject}_{label}_{trial}.txt'], labels });
    assert.deepEqual(plan.counts, { files: 55, recordings: 48, new: 48, existing: 0, sensorFiles: 48, videos: 3, proxies: 2, unmatched: 2, failures: 2 });
    assert.deepEqual(plan.unmatched.sort(), ['README.md', 'acc_s4_2_x.txt']);
    assert.deepEqual(plan.failures.map((f) => f.file).sort(), ['acc_s4_2_1.txt', 'acc_s4_9_1.txt']);
    assert.match(plan.failures.find((f) => f.file === 'acc_s4_9_1.txt')!.reason, /label code "9" is not in the labels map/);
    assert.match(plan.failures.find((f) => f.file === 'acc_s4_2_1.txt')!.reason, /acc_s4_2_1\.txt/);
    const first = plan.recordings.find((r) => r.name === 'acc_s1_1_1')!;
    assert.deepEqual([first.subject, first.label, first.trial], ['s1', 'walk', 1]);
    assert.equal(first.video?.file, 'video_s1_1_1.mp4');
    assert.equal(first.video?.proxy, false);
    assert.deepEqual(
      first.sensors.map((s) => [s.file, s.stream, s.rows, s.channels]),
      [['acc_s1_1_1.txt', 'acc', 180, 3]],
    );
    assert.ok(Math.abs(first.sensors[0].rate - 1 / 0.032) < 0.01, `rate ${first.sensors[0].rate}`);
    assert.ok(plan.recordings.find((r) => r.name === 'acc_s1_2_1')!.video?.proxy, 'MJPEG needs a proxy');
    assert.ok(
      plan.recordings.some((r) => r.name === 'more_acc_s4_1_2'),
      'a subfolder becomes part of the name',
    );
    assert.ok(
      plan.warnings.some((w) => /acc_s2_3_4\.txt: 0\.\d+ s long, under 33% of the median/.test(w)),
      'the short file is flagged',
    );
    assert.ok(
      plan.warnings.some((w) => /no unit/.test(w)),
      "headerless columns' missing units are reported",
    );
    assert.equal((await call('project.summary', {})).recordings, 0, 'the preview stores nothing');
  });

  it('imports in one job, storing recordings in batches before the proxies, and skips it all the second time', async () => {
    const args = { dir: data, patterns, labels, videoJobs: 2 };
    const { job } = await call('import.folder', args);
    // once the proxies are being made, every recording is already in the list
    const proxying = await log.next('job.progress', job, (p) => p.message.startsWith('video prox'));
    const listedWhileRunning = await call('recordings.list', {});
    const report = resultOf(await log.ended(job), 'import.folder');
    assert.ok(proxying.total >= 2, 'progress in seconds of video');
    assert.equal(listedWhileRunning.length, 45);
    assert.equal(report.imported, 45);
    assert.deepEqual(report.videos, { made: 2, reused: 0, failed: [] });
    assert.deepEqual(report.skipped.map((s) => s.name).sort(), ['acc_s4_2_1', 'acc_s4_9_1.txt']);
    assert.ok(report.warnings!.some((w) => w.includes('acc_s2_3_4.txt')));
    const walk = await call('recordings.list', { label: 'walk', subject: 's1' });
    assert.deepEqual(
      walk.map((r) => r.name),
      ['acc_s1_1_1', 'acc_s1_1_2', 'acc_s1_1_3', 'acc_s1_1_4', 'acc_s1_1_5'],
    );
    const withVideo = await call('recordings.find', { ref: 'acc_s2_1_2' });
    assert.deepEqual(
      withVideo.streams.map((s) => `${s.kind} ${s.name}`),
      ['video video', 'sensor acc'],
    );
    assert.match(playbackPath(withVideo.streams[0].meta) ?? '', /\.media\/proxy\/\d+-acc_s2_1_2\.mp4$/);
    assert.ok(
      log.payloads('job.progress', job).some((p) => p.etaSeconds !== null),
      'an ETA while it runs',
    );

    const again = resultOf(await log.ended((await call('import.folder', args)).job), 'import.folder');
    assert.equal(again.imported, 0);
    assert.equal(again.skipped.filter((s) => s.reason === 'already in the project').length, 45);
    assert.deepEqual(again.videos, { made: 0, reused: 0, failed: [] });
    const plan = await call('import.folder.preview', { dir: data, patterns, labels });
    assert.deepEqual([plan.counts.new, plan.counts.existing], [0, 45]);
  });

  it('keeps the batches stored when cancelled, and a second import adds the rest', async () => {
    await call('project.create', { path: join(dir, 'cancelled.vskd') });
    const { job } = await call('import.folder', { dir: data, patterns, labels });
    await log.next('job.progress', job, (p) => p.message.startsWith('read '));
    await call('jobs.cancel', { job });
    const end = await log.ended(job);
    assert.equal(end.status, 'cancelled');
    assert.match(end.error ?? '', /cancelled after \d+ recordings: those are kept; importing again adds the other \d+/);
    const kept = (await call('project.summary', {})).recordings;
    assert.ok(kept < 45, `${kept} stored before the cancel`);
    const rest = resultOf(await log.ended((await call('import.folder', { dir: data, patterns, labels })).job), 'import.folder');
    assert.equal(rest.imported, 45 - kept);
    assert.equal((await call('project.summary', {})).recordings, 45);
  });

  it('pairs a video and CSVs of the same stem, one stream per wearable', async () => {
    const stems = join(dir, 'stems');
    mkdirSync(stems);
    await makeTestClip(stems, 'morning', 'vp9.webm');
    writeFileSync(join(stems, 'morning_wrist.csv'), `t,acc_x,acc_y,acc_z\n${[0, 1, 2, 3, 4].map((i) => `${i * 0.02},0,0,1`).join('\n')}`);
    writeFileSync(join(stems, 'morning_ankle.csv'), `t,acc_x,acc_y,acc_z\n${[0, 1, 2, 3].map((i) => `${i * 0.04},0,0,1`).join('\n')}`);
    const plan = await call('import.folder.preview', { dir: stems, patterns: ['{name}.webm', '{name}_{sensor}.csv'] });
    assert.deepEqual(
      plan.recordings.map((r) => [r.name, r.video?.file, r.sensors.map((s) => s.stream)]),
      [['morning', 'morning.webm', ['ankle', 'wrist']]],
    );
  });

  it('refuses a bad pattern in the call, naming it', async () => {
    const bad = await failure('import.folder', { dir: data, patterns: ['acc_{subjet}.txt'] });
    assert.equal(bad.field, 'patterns[0]');
    assert.match(bad.message, /unknown placeholder \{subjet\}/);
    assert.equal((await failure('import.folder.preview', { dir: join(dir, 'nowhere'), patterns })).code, 'NOT_FOUND');
  });
});
