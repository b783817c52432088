/**
 * The imports as jobs through the dispatcher, as the renderer calls them: the demo dataset, a sensor
 * file and UTD-MHAD with depth video, each answered with a job id and followed by job.progress and
 * one job.ended; a cancel through jobs.cancel, and what it keeps; closing the project cancels its
 * imports; the arguments the contract refuses and the paths the handlers refuse.
 */
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDispatcher } from '../../main/api/dispatch.ts';
import { createStudioService } from '../../main/api/service.ts';
import { generateDemo } from '../../main/datasets/demo/generate.ts';
import { mediaDir } from '../../main/store/media.ts';
import { apiCaller } from '../helpers/api.ts';
import { eventLog, resultOf } from '../helpers/events.ts';
import { fixtures, tempDir } from '../helpers/tmp.ts';
import { utdMhadCopies } from '../helpers/utdMhadCopies.ts';

describe('import jobs API', () => {
  const dir = tempDir('vskd-import-jobs-');
  const log = eventLog();
  const service = createStudioService({ version: 'test', emit: log.emit });
  const { call, failure } = apiCaller(createDispatcher(service.handlers));
  const demo = join(dir, 'demo-data');
  const utd = join(dir, 'utd');
  let projects = 0;
  const freshProject = () => call('project.create', { path: join(dir, `p${projects++}.vskd`) });
  /** the project's recordings with a video stream */
  const withVideo = async () => (await call('recordings.list', {})).filter((r) => r.streams.some((s) => s.kind === 'video'));

  before(async () => {
    await generateDemo(demo, { seed: 2, classes: ['wave', 'squat'], perClass: 2, seconds: 2, sessions: 0 });
    utdMhadCopies(utd, 2);
  });
  after(() => service.dispose());

  it('refuses bad arguments and paths, naming the field', async () => {
    const missing = await failure('import.demo', { dir: join(dir, 'nowhere') });
    assert.deepEqual([missing.code, missing.field, missing.message], ['NOT_FOUND', 'project', 'no project is open: create or open one first']);
    await freshProject();
    for (const [method, args, field, message] of [
      ['import.demo', {}, 'dir', /expected string/],
      ['import.demo', { dir: '' }, 'dir', /a path is required/],
      ['import.demo', { dir: demo, sessions: true }, 'args', /unrecognized key/i],
      ['import.utdMhad', { dir: utd, withVideo: 'yes' }, 'withVideo', /expected boolean/],
      ['import.sensor', { file: 'a.csv', options: { rate: -50 } }, 'options.rate', /too small/i],
      ['jobs.cancel', { job: 3 }, 'job', /expected string/],
      ['jobs.cancel', {}, 'job', /expected string/],
    ] as const) {
      const error = await failure(method, args);
      assert.deepEqual([error.code, error.field], ['INVALID_ARGUMENT', field], `${method} ${JSON.stringify(args)}: ${error.message}`);
      assert.match(error.message, message, `${method} ${JSON.stringify(args)}`);
    }
    const nowhere = await failure('import.demo', { dir: join(dir, 'nowhere') });
    assert.deepEqual([nowhere.code, nowhere.field, nowhere.message], ['NOT_FOUND', 'dir', `dir: ${join(dir, 'nowhere')}: no such folder`]);
    const csv = join(fixtures, 'sensors', 'phone_acc_ms.csv');
    const notFolder = await failure('import.utdMhad', { dir: csv });
    assert.deepEqual([notFolder.code, notFolder.field, notFolder.message], ['INVALID_ARGUMENT', 'dir', `dir: ${csv} is not a folder`]);
    const notFile = await failure('import.sensor', { file: utd });
    assert.deepEqual([notFile.code, notFile.field, notFile.message], ['INVALID_ARGUMENT', 'file', `file: ${utd} is not a file`]);
    const unknown = await failure('jobs.cancel', { job: 'job-999' });
    assert.deepEqual([unknown.code, unknown.field, unknown.message], ['NOT_FOUND', 'job', 'job: no job job-999 is running (it may have ended)']);
    assert.deepEqual(log.payloads('job.progress'), [], 'no job started');
  });

  it('imports the demo dataset as a job: its progress, its result in job.ended, its recordings', async () => {
    await freshProject();
    const { job } = await call('import.demo', { dir: demo });
    const end = await log.ended(job);
    assert.deepEqual(
      { ...end, result: { ...resultOf(end, 'import.demo'), seconds: 0 }, seconds: 0 },
      {
        job,
        kind: 'import.demo',
        title: `Demo dataset ${demo}`,
        status: 'done',
        result: { imported: 4, skipped: [], missing: [], seconds: 0 },
        seconds: 0,
      },
    );
    const progress = log.payloads('job.progress', job);
    assert.ok(
      progress.every((p) => p.kind === 'import.demo' && p.title === `Demo dataset ${demo}`),
      'every progress names the job',
    );
    assert.deepEqual(
      progress.map((p) => [p.done, p.total]),
      [
        [0, 0],
        [1, 4],
        [2, 4],
        [3, 4],
        [4, 4],
      ],
    );
    assert.match(progress[1].message, /^reading (wave|squat)_s\d_c\d$/);
    assert.deepEqual((await call('project.summary', {})).recordings, 4);

    // again: every clip is already there
    const again = await call('import.demo', { dir: demo });
    const second = await log.ended(again.job);
    assert.deepEqual(
      resultOf(second, 'import.demo').skipped.map((s) => s.reason),
      Array(4).fill('already in the project'),
    );
    assert.equal(resultOf(second, 'import.demo').imported, 0);
    assert.notEqual(again.job, job, 'every job has its own id');
  });

  it('imports a sensor file as a job with its options, and reports a bad file as a failed job naming it', async () => {
    await freshProject();
    const { job } = await call('import.sensor', { file: join(fixtures, 'sensors', 'headerless.txt'), options: { rate: 50, label: 'walk' } });
    assert.equal((await log.ended(job)).status, 'done');
    const [recording] = await call('recordings.list', {});
    assert.deepEqual([recording.name, recording.label, recording.streams[0].rate], ['headerless', 'walk', 50]);

    const bad = join(dir, 'nan.csv');
    writeFileSync(bad, 't,x,y,z\n0,1,2,3\n0.01,1,NaN,3\n0.02,1,2,3\n');
    const failed = await log.ended((await call('import.sensor', { file: bad })).job);
    assert.equal(failed.status, 'failed');
    assert.ok(failed.error?.startsWith(`${bad}:`), `the error names the file: ${failed.error}`);
    assert.equal((await call('project.summary', {})).recordings, 1, 'the bad file added nothing');
  });

  it('cancels a UTD-MHAD import while it reads: nothing is stored', async () => {
    await freshProject();
    const { job } = await call('import.utdMhad', { dir: utd, withVideo: true });
    await log.next('job.progress', job, (p) => p.message.startsWith('reading'));
    await call('jobs.cancel', { job });
    const end = await log.ended(job);
    assert.deepEqual([end.status, end.error], ['cancelled', `UTD-MHAD import of ${utd} cancelled while reading its files: nothing was written`]);
    assert.equal((await call('project.summary', {})).recordings, 0);
  });

  it('cancels a UTD-MHAD import during its depth videos: the recordings and the finished videos stay, importing again adds the rest', async () => {
    const { path } = await freshProject();
    const { job } = await call('import.utdMhad', { dir: utd, withVideo: true });
    const first = await log.next('job.progress', job, (p) => p.message.startsWith('depth video'));
    assert.equal(first.total, 8);
    const [running] = await call('jobs.list', {});
    assert.deepEqual([running.job, running.kind, running.title], [job, 'import.utdMhad', `UTD-MHAD ${utd} with depth video`]);
    const twice = await failure('import.utdMhad', { dir: utd });
    assert.deepEqual([twice.code, twice.field], ['CONFLICT', 'job'], twice.message);

    assert.deepEqual(await call('jobs.cancel', { job }), { job });
    const end = await log.ended(job);
    assert.equal(end.status, 'cancelled');
    const kept = Number(/^depth videos cancelled with (\d) of 8 done: the recordings and the finished videos are kept/.exec(end.error ?? '')?.[1]);
    assert.ok(kept >= 1 && kept < 8, `the error says what was kept: ${end.error}`);
    assert.deepEqual(await call('jobs.list', {}), []);
    assert.equal((await call('project.summary', {})).recordings, 8);
    const videos = await withVideo();
    assert.equal(videos.length, kept);
    assert.deepEqual(readdirSync(join(mediaDir(path), 'depth')).sort(), videos.map((r) => `${r.name}.mp4`).sort(), 'no partial or unregistered file');

    const again = await log.ended((await call('import.utdMhad', { dir: utd, withVideo: true })).job);
    assert.equal(again.status, 'done');
    const result = resultOf(again, 'import.utdMhad');
    assert.deepEqual([result.imported, result.videos], [0, { made: 8 - kept, reused: 0, failed: [] }]);
    assert.equal((await withVideo()).length, 8);
  });

  it('cancels the running imports when the project closes, and waits for them', async () => {
    await freshProject();
    const { job } = await call('import.utdMhad', { dir: utd, withVideo: true });
    await log.next('job.progress', job, (p) => p.message.startsWith('depth video'));
    await call('project.close', {});
    const [end] = log.payloads('job.ended', job);
    assert.equal(end?.status, 'cancelled', 'the job has ended by the time the project is closed');
  });
});
