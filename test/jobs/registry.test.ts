/**
 * The job registry on its own: ids, job.progress and job.ended events, cancelling through the
 * work's AbortSignal, a second job on the same source refused, and cancelAll waiting for every end.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StudioError, throwIfCancelled } from '../../main/shared/errors.ts';
import { createJobRegistry, type JobContext, type JobResult } from '../../main/jobs/registry.ts';
import { eventLog } from '../helpers/events.ts';

const result = (imported: number): JobResult => ({ imported, skipped: [], missing: [], seconds: 0 });
const spec = (key: string) => ({ kind: 'import.demo', title: `Demo dataset ${key}`, key }) as const;

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
    return result(steps);
  };
  return { work, next };
}

describe('job registry', () => {
  it('reports a job from its start to its result, listing it while it runs', async () => {
    const log = eventLog();
    const jobs = createJobRegistry(log.emit);
    const { work, next } = stepper(2);
    const job = jobs.start(spec('/data/a'), work);
    assert.match(job, /^job-\d+$/);
    // the first progress is sent before start returns, so a client sees the job at once
    assert.deepEqual(log.payloads('job.progress', job), [{ job, kind: 'import.demo', title: 'Demo dataset /data/a', done: 0, total: 0, message: 'starting' }]);
    next();
    await log.next('job.progress', job, (p) => p.done === 1);
    const [running] = jobs.running();
    assert.deepEqual({ ...running, startedAt: undefined }, { job, kind: 'import.demo', title: 'Demo dataset /data/a', done: 1, total: 2, message: 'step 1', startedAt: undefined });
    assert.ok(!Number.isNaN(Date.parse(running.startedAt)), `startedAt ${running.startedAt} is a date`);
    next();
    assert.deepEqual(await log.ended(job), { job, kind: 'import.demo', status: 'done', result: result(2) });
    assert.deepEqual(jobs.running(), []);
    assert.deepEqual(log.payloads('job.progress', job).map((p) => p.done), [0, 1, 2]);
  });

  it('ends a cancelled job as cancelled, its error saying what the cancel kept', async () => {
    const log = eventLog();
    const jobs = createJobRegistry(log.emit);
    const { work, next } = stepper(3);
    const job = jobs.start(spec('/data/b'), work);
    next();
    await log.next('job.progress', job, (p) => p.done === 1);
    assert.equal(jobs.cancel(job), true);
    next();
    assert.deepEqual(await log.ended(job), { job, kind: 'import.demo', status: 'cancelled', error: 'cancelled after 1 of 3 steps: those stay' });
    assert.equal(jobs.cancel(job), false, 'an ended job cannot be cancelled');
    assert.equal(jobs.cancel('job-999'), false, 'nor an unknown one');
    assert.equal(log.payloads('job.ended', job).length, 1, 'one job.ended per job');
  });

  it('ends a job whose work throws as failed with the message, even one that throws before it awaits', async () => {
    const log = eventLog();
    const jobs = createJobRegistry(log.emit);
    const job = jobs.start(spec('/data/c'), () => {
      throw new StudioError('BAD_INPUT', '/data/c/demo.json: not a demo dataset');
    });
    assert.deepEqual(await log.ended(job), { job, kind: 'import.demo', status: 'failed', error: '/data/c/demo.json: not a demo dataset' });
  });

  it('ends a job done when its work finishes after a cancel came too late to stop it', async () => {
    const log = eventLog();
    const jobs = createJobRegistry(log.emit);
    let finish = () => {};
    // past its point of no return (a transaction that commits), the work does not look at the signal
    const job = jobs.start(spec('/data/d'), () => new Promise((resolve) => (finish = () => resolve(result(1)))));
    await Promise.resolve(); // the work has begun
    jobs.cancel(job);
    finish();
    assert.equal((await log.ended(job)).status, 'done');
  });

  it('refuses a second job on the same source while the first runs, and runs jobs on other sources beside it', async () => {
    const log = eventLog();
    const jobs = createJobRegistry(log.emit);
    const first = stepper(1);
    const job = jobs.start(spec('/data/e'), first.work);
    assert.throws(
      () => jobs.start(spec('/data/e'), stepper(1).work),
      (err: unknown) => err instanceof StudioError && err.code === 'CONFLICT' && err.message === `Demo dataset /data/e: job ${job} is already importing it: wait for it or cancel it`,
    );
    const other = stepper(1);
    const beside = jobs.start(spec('/data/f'), other.work);
    assert.deepEqual(jobs.running().map((r) => r.job), [job, beside]);
    first.next();
    other.next();
    await Promise.all([log.ended(job), log.ended(beside)]);
    const again = jobs.start(spec('/data/e'), async () => result(0));
    assert.equal((await log.ended(again)).status, 'done', 'the source is free once its job has ended');
  });

  it('cancels every running job and waits for their ends', async () => {
    const log = eventLog();
    const jobs = createJobRegistry(log.emit);
    // work that takes a while to stop, and may be cancelled before it begins
    const slowToStop = (key: string) => ({ signal }: JobContext) =>
      new Promise<JobResult>((_resolve, reject) => {
        const stop = () => setTimeout(() => reject(new StudioError('CANCELLED', `${key} stopped`)), 20);
        if (signal.aborted) stop();
        else signal.addEventListener('abort', stop);
      });
    const started = ['/data/g', '/data/h'].map((key) => jobs.start(spec(key), slowToStop(key)));
    await jobs.cancelAll();
    assert.deepEqual(log.payloads('job.ended').map((e) => [e.job, e.status, e.error]), started.map((job, i) => [job, 'cancelled', `/data/${'gh'[i]} stopped`]));
    assert.deepEqual(jobs.running(), []);
    await jobs.cancelAll(); // nothing running: returns at once
  });
});
