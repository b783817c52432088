/**
 * The job manager on its own: the order and count of its events, the ETA, throttled progress, clashes
 * refused by key, by slot and by a lease in a real project file, cancelling, a work that throws,
 * wait(), cancelAll() and dispose().
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createJobManager, type JobContext, type JobEnded, type JobProgress } from '../../main/jobs/manager.ts';
import { StudioError, throwIfCancelled } from '../../main/shared/errors.ts';
import { leaseHolder } from '../../main/store/leases.ts';
import { closeProject, createProject } from '../../main/store/project.ts';
import { tempDir } from '../helpers/tmp.ts';

type Kind = 'import.demo' | 'train';
interface Events {
  'job.progress': JobProgress<Kind>;
  'job.ended': JobEnded<Kind, number>;
  'run.log': { line: string };
}

/** The events a manager sent, recorded by an emit typed like the studio's (generic over every event name). */
function recorder() {
  const events: { event: keyof Events; payload: Events[keyof Events] }[] = [];
  const emit = <E extends keyof Events>(event: E, payload: Events[E]) => void events.push({ event, payload });
  const of = <E extends 'job.progress' | 'job.ended'>(event: E, job: string) =>
    events.flatMap((e) => (e.event === event && (e.payload as Events[E]).job === job ? [e.payload as Events[E]] : []));
  const progress = (job: string) => of('job.progress', job);
  const ended = (job: string) => of('job.ended', job);
  return { events, emit, progress, ended, manager: createJobManager<Kind, number>(emit) };
}

const spec = (title: string, more: { key?: string; slot?: string } = {}) => ({ kind: 'import.demo', title, ...more }) as const;

/** work that reports `steps` steps, each once the test calls `next()`, and stops when cancelled */
function stepper(steps: number) {
  let allowed = 0;
  let wake = () => {};
  const next = () => (allowed++, wake());
  const work = async ({ signal, progress }: JobContext) => {
    for (let step = 1; step <= steps; step++) {
      while (allowed < step) await new Promise<void>((resolve) => (wake = resolve));
      throwIfCancelled(signal, `cancelled after ${step - 1} of ${steps} steps: those stay`);
      progress(step, steps, `step ${step}`);
    }
    return steps;
  };
  return { work, next };
}

/** work that waits until it is cancelled */
const untilCancelled = ({ signal }: JobContext) =>
  new Promise<number>((_, reject) => signal.addEventListener('abort', () => reject(new StudioError('CANCELLED', 'stopped: nothing kept'))));

const conflict = (pattern: RegExp) => (err: unknown) => err instanceof StudioError && err.code === 'CONFLICT' && pattern.test(err.message);

describe('job manager', () => {
  it('reports a job from its first progress, sent before start answers, to one job.ended', async () => {
    const { events, progress, ended, manager } = recorder();
    const { work, next } = stepper(2);
    const job = await manager.start(spec('Demo dataset /data/a'), work);
    assert.match(job, /^job-\d+$/);
    const [first] = progress(job);
    const title = 'Demo dataset /data/a';
    assert.deepEqual(
      { ...first, startedAt: 'now' },
      { job, kind: 'import.demo', title, done: 0, total: 0, message: 'starting', etaSeconds: null, startedAt: 'now' },
    );
    assert.ok(Math.abs(Date.parse(first.startedAt) - Date.now()) < 60_000, `startedAt ${first.startedAt} is now`);
    assert.deepEqual(manager.running(), [first]);
    next();
    await sleep(20);
    assert.deepEqual(
      manager.running().map((p) => [p.done, p.total, p.message]),
      [[1, 2, 'step 1']],
    );
    next();
    const end = await manager.wait(job);
    assert.deepEqual({ ...end, seconds: 0 }, { job, kind: 'import.demo', title, status: 'done', result: 2, seconds: 0 });
    assert.ok(end.seconds >= 0 && end.seconds < 10, `seconds ${end.seconds}`);
    assert.deepEqual(manager.running(), []);
    const order = events.map((e) => `${e.event} ${(e.payload as JobProgress).done ?? ''}`);
    assert.deepEqual(order, ['job.progress 0', 'job.progress 1', 'job.progress 2', 'job.ended ']);
    assert.deepEqual(ended(job), [end]);
    assert.deepEqual(await manager.wait(job), end, 'wait() still answers once the job has ended');
    await assert.rejects(manager.wait('job-999'), (err: StudioError) => err.code === 'NOT_FOUND' && /job-999/.test(err.message));
  });

  it('estimates the time left from the pace so far, counting a new phase from where it began', async () => {
    const { progress, manager } = recorder();
    let go = () => {};
    let phase2 = 0; // seconds from the start of phase 2 to its first step, as the work saw them
    const job = await manager.start(spec('phases'), async ({ progress }) => {
      progress(5, 0, 'counting');
      progress(0, 10, 'phase 1');
      await sleep(300);
      progress(2, 10, 'phase 1 ');
      await new Promise<void>((resolve) => (go = resolve));
      progress(10, 10, 'phase 1 done');
      const began = performance.now();
      progress(0, 21, 'phase 2');
      await sleep(50);
      phase2 = (performance.now() - began) / 1000;
      progress(1, 21, 'phase 2 ');
      return 0;
    });
    await sleep(400);
    const eta = () => progress(job).at(-1)!.etaSeconds!;
    // 2 of 10 in at least 0.3 s: 8 more take at least 1.2 s
    assert.ok(eta() >= 1.2 && eta() < 20, `eta ${eta()} s for 8 more steps at >= 0.15 s each`);
    go();
    await manager.wait(job);
    assert.deepEqual(
      progress(job).map((p) => [p.message, p.etaSeconds === null ? null : typeof p.etaSeconds]),
      [
        ['starting', null],
        ['counting', null], // no total: no estimate
        ['phase 1', null], // nothing done yet
        ['phase 1 ', 'number'],
        ['phase 1 done', 'number'],
        ['phase 2', null],
        ['phase 2 ', 'number'],
      ],
    );
    assert.equal(progress(job)[4].etaSeconds, 0, 'nothing left when done === total');
    // counted from the start of phase 2, not of the job (at least 0.4 s before: 8 s more for 20 steps)
    const last = progress(job).at(-1)!.etaSeconds!;
    assert.ok(Math.abs(last - phase2 * 20) < 0.2, `eta ${last} s for 20 more steps of ${phase2} s each`);
  });

  it('throttles progress to a few a second, besides the last, a new message, and where a pause left it', async () => {
    const { progress, manager } = recorder();
    let go = () => {};
    const job = await manager.start(spec('busy'), async ({ progress }) => {
      for (let i = 1; i <= 1000; i++) progress(i, 2000, 'counting');
      await new Promise<void>((resolve) => (go = resolve));
      for (let i = 1001; i <= 2000; i++) progress(i, 2000, i % 250 === 0 ? `at ${i}` : 'counting');
      return 0;
    });
    await sleep(300);
    const paused = progress(job).map((p) => p.done);
    // the first, the first 'counting', and the latest once the interval had passed
    assert.deepEqual(paused.slice(-1), [1000], 'the update a pause left unsent comes once the interval has passed');
    assert.ok(paused.length <= 5, `${paused.length} events for 1000 updates in a loop`);
    go();
    await manager.wait(job);
    const sent = progress(job).slice(paused.length);
    for (const at of [1250, 1500, 1750])
      assert.ok(
        sent.some((p) => p.done === at && p.message === `at ${at}`),
        `the new message at ${at} is sent`,
      );
    assert.equal(sent.at(-1)!.done, 2000, 'the last update is sent');
    assert.ok(sent.length < 20, `${sent.length} events for 1000 updates`);
  });

  it('refuses a second job with the key of a running one, naming it, and starts it once that one ended', async () => {
    const { manager } = recorder();
    const { work, next } = stepper(1);
    const first = await manager.start(spec('Demo dataset /data/a', { key: '/data/a' }), work);
    await assert.rejects(
      manager.start(spec('Demo dataset /data/a again', { key: '/data/a' }), work),
      conflict(new RegExp(`^Demo dataset /data/a again: job ${first} \\(Demo dataset /data/a\\) is already working on it`)),
    );
    const other = await manager.start(spec('Demo dataset /data/b', { key: '/data/b' }), async () => 1);
    assert.equal((await manager.wait(other)).status, 'done', 'another key runs beside it');
    next();
    await manager.wait(first);
    const again = await manager.start(spec('Demo dataset /data/a', { key: '/data/a' }), async () => 1);
    assert.equal((await manager.wait(again)).status, 'done');
  });

  it('runs one job per slot, naming the one that holds it', async () => {
    const { progress, manager } = recorder();
    const run1 = await manager.start({ kind: 'train', title: 'run 1', slot: 'training' }, untilCancelled);
    await assert.rejects(
      manager.start({ kind: 'train', title: 'run 2', slot: 'training' }, untilCancelled),
      conflict(new RegExp(`^run 2: job ${run1} \\(run 1\\) is running, and one training job runs at a time`)),
    );
    assert.deepEqual(
      manager.running().map((p) => p.title),
      ['run 1'],
      'the refused job sent nothing and is not listed',
    );
    assert.equal(progress('job-2').length, 0);
    const unslotted = await manager.start(spec('import'), async () => 3);
    assert.equal((await manager.wait(unslotted)).result, 3);
    manager.cancel(run1);
    await manager.wait(run1);
    const run3 = await manager.start({ kind: 'train', title: 'run 3', slot: 'training' }, async () => 4);
    assert.equal((await manager.wait(run3)).result, 4);
  });

  it('ends a cancelled job as cancelled, its error saying what the cancel kept', async () => {
    const { ended, manager } = recorder();
    const { work, next } = stepper(3);
    const job = await manager.start(spec('three steps'), work);
    next();
    await sleep(20);
    assert.equal(manager.cancel(job), true);
    next();
    const end = await manager.wait(job);
    assert.deepEqual([end.status, end.error, end.result], ['cancelled', 'cancelled after 1 of 3 steps: those stay', undefined]);
    assert.equal(manager.cancel(job), false, 'an ended job cannot be cancelled');
    assert.equal(manager.cancel('job-999'), false, 'nor an unknown one');
    assert.equal(ended(job).length, 1, 'one job.ended per job');

    let began = false;
    const early = await manager.start(spec('early'), async () => ((began = true), 1));
    manager.cancel(early);
    const earlyEnd = await manager.wait(early);
    assert.deepEqual([earlyEnd.status, earlyEnd.error, began], ['cancelled', 'early: cancelled before it began', false]);
  });

  it('ends a work that throws as failed with its message, after start has answered, even one that throws at once', async () => {
    const { events, ended, manager } = recorder();
    const job = await manager.start(spec('bad'), () => {
      throw new StudioError('BAD_INPUT', '/data/c/demo.json: not a demo dataset');
    });
    assert.deepEqual(
      events.map((e) => e.event),
      ['job.progress'],
      'nothing ended before start answered',
    );
    const end = await manager.wait(job);
    assert.deepEqual([end.status, end.error], ['failed', '/data/c/demo.json: not a demo dataset']);
    const late = await manager.start(spec('late'), async () => {
      await sleep(5);
      throw new Error('disk full');
    });
    assert.deepEqual([(await manager.wait(late)).status, (await manager.wait(late)).error], ['failed', 'disk full']);
    assert.deepEqual([ended(job).length, ended(late).length], [1, 1]);
  });

  it('cancels every job at once and waits for each to end; once disposed it starts none', async () => {
    const { ended, manager } = recorder();
    const jobs = [await manager.start(spec('a'), untilCancelled), await manager.start(spec('b'), untilCancelled)];
    await sleep(10); // both work
    await manager.cancelAll();
    assert.deepEqual(
      jobs.map((job) => ended(job).map((e) => e.status)),
      [['cancelled'], ['cancelled']],
      'each ended before cancelAll resolved',
    );
    assert.deepEqual(manager.running(), []);
    const c = await manager.start(spec('c'), untilCancelled);
    await manager.dispose();
    assert.deepEqual(
      ended(c).map((e) => e.status),
      ['cancelled'],
    );
    await assert.rejects(
      manager.start(spec('d'), async () => 1),
      (err: StudioError) => err.code === 'CANCELLED' && /^d: the studio is closing/.test(err.message),
    );
  });

  it('holds a lease in the project file while the job runs, refuses one that is held, and releases it whatever the end', async () => {
    const dir = tempDir();
    const project = await createProject(join(dir, 'leases.vskd'));
    const { progress, manager } = recorder();
    const lease = { db: project.db, resource: 'run 3', holder: 'the studio' };
    const { work, next } = stepper(1);
    const job = await manager.start({ kind: 'train', title: 'run 3', lease }, work);
    assert.equal((await leaseHolder(project.db, 'run 3'))?.holder, 'the studio', 'held once start has answered');
    await assert.rejects(
      manager.start({ kind: 'train', title: 'run 3 again', lease: { ...lease, holder: 'another' } }, async () => 0),
      conflict(new RegExp(`^run 3 is held by the studio \\(pid ${process.pid} on host `)),
    );
    assert.deepEqual(
      manager.running().map((p) => p.job),
      [job],
      'the refused job is not listed',
    );
    next();
    await manager.wait(job);
    assert.equal(await leaseHolder(project.db, 'run 3'), null, 'released once done');

    const failing = await manager.start({ kind: 'train', title: 'run 3', lease }, () => Promise.reject(new Error('no backend')));
    assert.equal((await manager.wait(failing)).status, 'failed');
    assert.equal(await leaseHolder(project.db, 'run 3'), null, 'released once failed');

    // closed while the lease was being taken: the job never starts, and gives the lease back
    const starting = manager.start({ kind: 'train', title: 'run 3', lease }, async () => 0);
    await manager.dispose();
    await assert.rejects(starting, (err: StudioError) => err.code === 'CANCELLED');
    assert.equal(await leaseHolder(project.db, 'run 3'), null, 'released when it never started');
    assert.deepEqual(progress(`job-${Number(failing.slice(4)) + 1}`), [], 'and it sent nothing');
    await closeProject(project);
  });
});
