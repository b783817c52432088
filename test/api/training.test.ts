/**
 * The training API through the dispatcher, as the renderer calls it, on the trainer tests' tiny
 * two-action project: datasets, a student trained in a worker thread on wasm with its progress
 * events, a teacher distilled from, a second job refused, a cancelled run resumed from its
 * checkpoint, a job cancelled by the service's dispose, a run whose backend cannot start, the
 * report, and the arguments the contract refuses.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventName, EventPayload, MethodResult } from '../../main/shared/contract.ts';
import { createDispatcher } from '../../main/api/dispatch.ts';
import { unwrap } from '../../main/shared/envelope.ts';
import { createStudioService } from '../../main/api/service.ts';
import { closeProject, openProject } from '../../main/store/project.ts';
import { createRun } from '../../main/store/runs.ts';
import { tempDir } from '../helpers/tmp.ts';
import { tinyProject } from '../train/tinyProject.ts';
import { apiCaller } from '../helpers/api.ts';

const PROTOCOL_CROSS = 'cross-subject: odd subjects train, even subjects test · val 25% of train';

/** a student small enough to train in seconds on two cores */
const tiny = { kind: 'student', dataset: 'tiny', backend: 'wasm', batchSize: 4, width: 0.125, gafSize: 16 } as const;

/** whether a native TensorFlow binding is installed (then the 'tensorflow' backend starts) */
const hasTfjsNode = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'].some((name) => {
  try {
    import.meta.resolve(name);
    return true;
  } catch {
    return false;
  }
});

describe('training API', () => {
  const events: { event: EventName; payload: unknown }[] = [];
  const waiting = new Set<() => void>();
  const service = createStudioService({
    version: 'test',
    emit: (event, payload) => {
      events.push({ event, payload });
      for (const check of [...waiting]) check();
    },
  });
  const dispatch = createDispatcher(service.handlers);
  const { call, failure } = apiCaller(dispatch);
  /** the payloads of `event` for run `runId`, from event index `from` on */
  const payloads = <E extends EventName>(event: E, runId: number, from = 0) =>
    events.slice(from).flatMap((e) => (e.event === event && (e.payload as { runId: number }).runId === runId ? [e.payload as EventPayload<E>] : []));
  /** the first `event` of run `runId` (from index `from` on) that `match` accepts, once it has come */
  const next = <E extends EventName>(event: E, runId: number, match: (payload: EventPayload<E>) => boolean = () => true, from = 0) =>
    new Promise<EventPayload<E>>((resolve) => {
      const check = () => {
        const found = payloads(event, runId, from).find(match);
        if (!found) return;
        waiting.delete(check);
        resolve(found);
      };
      waiting.add(check);
      check();
    });
  const dir = tempDir('vskd-train-api-');
  let studentRowId = 0;

  before(async () => {
    const { path, datasetId } = await tinyProject(dir);
    // a student run that never trained: not a teacher to distil from
    const project = await openProject(path);
    studentRowId = await createRun(project.db, { datasetId, kind: 'student', method: 'baseline', config: {} });
    await closeProject(project);
    await call('project.open', { path });
  });
  after(() => service.dispose());

  it('lists the datasets and splits the recordings into a new one by protocol', async () => {
    const [existing] = await call('datasets.list', {});
    assert.equal(existing.name, 'tiny');
    assert.deepEqual(existing.counts, { train: 6, val: 2, test: 8 });
    // cross-subject: subject 1 trains (one recording per action held out at 0.25), subject 2 tests
    const created = await call('datasets.create', { name: 'cross', protocol: 'cross-subject', valFraction: 0.25, seed: 3 });
    assert.deepEqual(created.counts, { train: 6, val: 2, test: 8 });
    assert.deepEqual([created.config.valFraction, created.config.seed, created.config.samples], [0.25, 3, 'recordings']);
    assert.equal(created.description, 'cross-subject: odd subjects train, even subjects test · val 25% of train');
    assert.deepEqual(
      (await call('datasets.list', {})).map((d) => d.name),
      ['tiny', 'cross'],
    );
    const again = await failure('datasets.create', { name: 'cross', protocol: 'subject-specific' });
    assert.equal(again.code, 'CONFLICT', again.message);
    assert.equal(again.field, 'name', again.message);
  });

  it('trains a student in a worker, reporting progress, and lists it with its evaluation', { timeout: 180_000 }, async () => {
    const { runId, warning } = await call('runs.start', { ...tiny, epochs: 2 });
    assert.equal(warning, null, 'no warning without a teacher');
    const end = await next('train.ended', runId);
    assert.deepEqual(end, { runId, status: 'done' });

    const progress = payloads('train.progress', runId);
    const epochEnds = progress.filter((p) => p.epochEnd);
    assert.deepEqual(
      epochEnds.map((p) => p.epoch),
      [1, 2],
      'one epoch-end event per epoch',
    );
    for (const p of epochEnds) {
      assert.ok(p.valAccuracy !== null && p.valAccuracy >= 0 && p.valAccuracy <= 1, `validation accuracy of epoch ${p.epoch}: ${p.valAccuracy}`);
      assert.ok(typeof p.terms.crossEntropy === 'number' && typeof p.terms.total === 'number', `loss terms only: ${JSON.stringify(p.terms)}`);
      assert.ok(!('trainAccuracy' in p.terms), `terms hold no accuracies: ${JSON.stringify(p.terms)}`);
      assert.equal(p.backend, 'wasm');
    }
    assert.ok(
      progress.some((p) => !p.epochEnd && p.step === 1 && p.samplesPerSecond !== null),
      'step progress with samples/s',
    );
    assert.ok(
      payloads('train.log', runId).some((l) => l.line.startsWith('training on wasm')),
      'the backend is logged',
    );
    // the GAF images of the 16 recordings are computed before the first epoch, from 0 to all of them
    const preparing = payloads('train.preparing', runId);
    assert.deepEqual(
      [preparing[0], preparing.at(-1)],
      [
        { runId, what: 'GAF images', done: 0, total: 16 },
        { runId, what: 'GAF images', done: 16, total: 16 },
      ],
    );

    const row = (await call('runs.list', {})).find((r) => r.id === runId);
    assert.ok(row, `run ${runId} is listed`);
    assert.equal(row.status, 'done');
    assert.equal(row.active, false, 'no job trains it any more');
    assert.deepEqual(
      [row.kind, row.method, row.label, row.backend, row.dataset, row.protocol],
      ['student', 'baseline', 'baseline', 'wasm', 'tiny', 'subject-specific'],
    );
    assert.deepEqual([row.seed, row.epochs, row.epochsRun], [1, 2, 2]);
    assert.equal(row.bestValAccuracy, Math.max(...epochEnds.map((p) => p.valAccuracy!)));
    assert.match(row.selection ?? '', /^best validation accuracy \(epoch [12]\)$/);
    assert.ok(row.test && row.test.accuracy !== null && row.test.macroF1 !== null, `a test evaluation: ${JSON.stringify(row.test)}`);

    const detail = await call('runs.get', { runId });
    assert.deepEqual(
      detail.epochs.map((e) => e.epoch),
      [1, 2],
    );
    assert.deepEqual(
      detail.epochs.map((e) => e.valAccuracy),
      epochEnds.map((p) => p.valAccuracy),
    );
    assert.ok(
      detail.epochs.every((e) => typeof e.losses.crossEntropy === 'number' && e.learningRate !== null),
      JSON.stringify(detail.epochs),
    );
    assert.equal(detail.config.backend, 'wasm');
    assert.ok(detail.evaluation, 'runs.get carries the evaluation');
    assert.deepEqual(detail.evaluation.classes, ['slow', 'fast']);
    assert.equal(
      detail.evaluation.confusion.flat().reduce((a, b) => a + b, 0),
      8,
      'the 8 test recordings in the confusion matrix',
    );
    assert.equal(detail.evaluation.accuracy, row.test.accuracy);

    const report = await call('runs.report', {});
    assert.deepEqual(report.rows, [
      {
        method: 'baseline',
        protocol: 'tiny (subject-specific)',
        accuracy: { mean: row.test.accuracy, std: 0 },
        macroF1: { mean: row.test.macroF1, std: 0 },
        seeds: 1,
      },
    ]);
    assert.match(report.markdown, /^\| method \| tiny \(subject-specific\) accuracy % \|.*\n.*\n\| baseline \| \d+\.\d\d ± 0\.00 \|/);
  });

  it('trains a teacher and distils from it, returning the weak-teacher warning', { timeout: 180_000 }, async () => {
    const teacher = await call('runs.start', { kind: 'teacher', dataset: 'cross', backend: 'wasm', epochs: 2, batchSize: 4, inputs: ['pose'], segments: 4 });
    assert.equal((await next('train.ended', teacher.runId)).status, 'done');
    // a teacher of another split may have trained on this one's test recordings
    const elsewhere = await failure('runs.start', { ...tiny, method: 'st', teacherRunId: teacher.runId });
    assert.deepEqual([elsewhere.code, elsewhere.field], ['INVALID_ARGUMENT', 'teacherRunId'], elsewhere.message);

    const student = await call('runs.start', { ...tiny, dataset: 'cross', epochs: 1, method: 'dask', teacherRunId: teacher.runId, beta: 2, temperature: 3 });
    assert.match(student.warning ?? '', /no baseline student run on this dataset/, 'no baseline on this dataset to compare the teacher with');
    assert.equal((await next('train.ended', student.runId)).status, 'done');
    // the teacher's poses and outputs on the student's training recordings are prepared (and cached) first
    const prepared = new Set(
      payloads('train.preparing', student.runId)
        .filter((p) => p.done === p.total)
        .map((p) => p.what),
    );
    assert.deepEqual([...prepared], ['GAF images', 'teacher poses', 'teacher outputs']);
    const epochEnd = payloads('train.progress', student.runId).find((p) => p.epochEnd);
    assert.ok(
      epochEnd && ['crossEntropy', 'kd', 'rkdDistance', 'rkdAngle', 'semantic', 'total'].every((t) => t in epochEnd.terms),
      `DASK's terms: ${JSON.stringify(epochEnd?.terms)}`,
    );

    assert.deepEqual((await call('runs.get', { runId: student.runId })).config.loss, { beta: 2, temperature: 3 }, 'the loss weights stored with the run');

    const rows = (await call('runs.list', {})).filter((r) => r.id === teacher.runId || r.id === student.runId);
    assert.deepEqual(
      rows.map((r) => [r.label, r.protocol, r.teacherRunId]),
      [
        ['teacher (pose)', 'cross-subject', null],
        ['dask (beta 2, temperature 3)', 'cross-subject', teacher.runId],
      ],
    );
    const report = await call('runs.report', { datasets: ['cross'] });
    // the changed weights make their own row
    assert.deepEqual([report.methods, report.protocols], [['teacher (pose)', 'dask (beta 2, temperature 3)'], [`cross (${PROTOCOL_CROSS})`]]);
  });

  it('previews and creates a dataset split by lists, and a run without validation has no validation score', { timeout: 120_000 }, async () => {
    const recipe = { split: { by: 'trial', train: '1-2', test: '3-4', valSubjects: '2' } } as const;
    const preview = await call('datasets.preview', recipe);
    assert.deepEqual(
      [preview.subjects, preview.trials, preview.classes],
      [
        ['1', '2'],
        [1, 2, 3, 4],
        ['slow', 'fast'],
      ],
    );
    assert.deepEqual(preview.splits.val, { total: 4, recordings: 4, perClass: { slow: 2, fast: 2 } });
    assert.equal(preview.description, 'by trial: train 1-2 · val subjects 2 · test 3-4');
    assert.deepEqual((await call('datasets.list', {})).length, 2, 'a preview stores nothing');
    const created = await call('datasets.create', { name: 'trials', ...recipe });
    assert.deepEqual(created.counts, { train: 4, val: 4, test: 8 });
    assert.deepEqual(created.preview, preview);

    const bySubject = await call('datasets.create', { name: 'subjects', split: { by: 'subject', train: '1' } });
    assert.deepEqual(bySubject.counts, { train: 8, val: 0, test: 8 });
    assert.match(bySubject.preview.warnings.join('\n'), /no validation set/);
    const { runId } = await call('runs.start', { ...tiny, dataset: 'subjects', epochs: 1 });
    assert.equal((await next('train.ended', runId)).status, 'done');
    const row = (await call('runs.list', {})).find((r) => r.id === runId)!;
    assert.deepEqual([row.bestValAccuracy, row.selection], [null, 'last epoch (1): no validation split']);
    assert.ok(row.test && row.test.accuracy !== null, 'the test split is scored with the last epoch');
  });

  it('refuses a second job, cancels a run and resumes it from its checkpoint', { timeout: 180_000 }, async () => {
    const { runId } = await call('runs.start', { ...tiny, epochs: 1000 });
    await next('train.progress', runId, (p) => p.epochEnd);
    const second = await failure('runs.start', { ...tiny, epochs: 2 });
    assert.equal(second.code, 'CONFLICT', second.message);
    assert.match(second.message, new RegExp(`run ${runId} is training`));
    const running = (await call('runs.list', {})).find((r) => r.id === runId);
    assert.deepEqual([running?.status, running?.active], ['running', true]);

    assert.deepEqual(await call('runs.cancel', { runId }), { runId });
    assert.deepEqual(await next('train.ended', runId), { runId, status: 'cancelled' });
    const cancelled = (await call('runs.list', {})).find((r) => r.id === runId)!;
    assert.deepEqual([cancelled.status, cancelled.active], ['cancelled', false]);
    assert.ok(cancelled.epochsRun >= 1, `the epochs before the cancel are kept (${cancelled.epochsRun})`);
    const notRunning = await failure('runs.cancel', { runId });
    assert.equal(notRunning.code, 'CONFLICT', notRunning.message);
    assert.equal(notRunning.field, 'runId', notRunning.message);

    const mark = events.length;
    assert.equal((await call('runs.resume', { runId })).runId, runId);
    const first = await next('train.progress', runId, () => true, mark);
    assert.ok(first.epoch > cancelled.epochsRun, `resumed after the checkpoint of epoch ${cancelled.epochsRun}, at epoch ${first.epoch}`);
    await call('runs.cancel', { runId });
    assert.deepEqual(await next('train.ended', runId, () => true, mark), { runId, status: 'cancelled' });
  });

  it('cancels the running job when the service is disposed, and records it', { timeout: 120_000 }, async () => {
    const ends: EventPayload<'train.ended'>[] = [];
    let started = () => {};
    const progressed = new Promise<void>((resolve) => (started = resolve));
    const other = createStudioService({
      version: 'test',
      emit: (event, payload) => {
        if (event === 'train.progress') started();
        if (event === 'train.ended') ends.push(payload as EventPayload<'train.ended'>);
      },
    });
    const path = (await call('project.summary', {})).path;
    const otherDispatch = createDispatcher(other.handlers);
    unwrap(await otherDispatch('project.open', { path }));
    const { runId } = unwrap(await otherDispatch('runs.start', { ...tiny, epochs: 1000 })) as MethodResult<'runs.start'>;
    await progressed;
    await other.dispose();
    assert.deepEqual(ends, [{ runId, status: 'cancelled' }], 'the job ended before dispose resolved');
    const row = (await call('runs.list', {})).find((r) => r.id === runId)!;
    assert.deepEqual([row.status, row.active], ['cancelled', false], 'recorded as cancelled, not left running');
  });

  it(
    'ends a run whose backend cannot start as failed, saying why',
    { timeout: 60_000, skip: hasTfjsNode && 'a native TensorFlow binding is installed here' },
    async () => {
      const { runId } = await call('runs.start', { ...tiny, epochs: 1, backend: 'tensorflow' });
      const end = await next('train.ended', runId);
      assert.equal(end.status, 'failed');
      assert.match(end.error ?? '', /the tensorflow backend is unavailable/);
      const row = (await call('runs.list', {})).find((r) => r.id === runId)!;
      assert.deepEqual([row.status, row.error], ['failed', end.error]);
    },
  );

  it('refuses malformed arguments with a typed error naming the field', async () => {
    const cases: [string, unknown, string, string][] = [
      ['runs.start', { dataset: 'tiny' }, 'INVALID_ARGUMENT', 'kind'],
      ['runs.start', { ...tiny, epochs: 0 }, 'INVALID_ARGUMENT', 'epochs'],
      ['runs.start', { ...tiny, batchSize: 1 }, 'INVALID_ARGUMENT', 'batchSize'],
      ['runs.start', { ...tiny, backend: 'tpu' }, 'INVALID_ARGUMENT', 'backend'],
      ['runs.start', { ...tiny, atWeight: -1 }, 'INVALID_ARGUMENT', 'atWeight'],
      ['runs.start', { ...tiny, method: 'dask' }, 'INVALID_ARGUMENT', 'teacherRunId'],
      ['runs.start', { ...tiny, teacherRunId: studentRowId }, 'INVALID_ARGUMENT', 'teacherRunId'],
      ['runs.start', { ...tiny, method: 'st', teacherRunId: studentRowId }, 'INVALID_ARGUMENT', 'teacherRunId'],
      ['runs.start', { ...tiny, method: 'st', teacherRunId: 999 }, 'NOT_FOUND', 'teacherRunId'],
      ['runs.start', { kind: 'teacher', dataset: 'tiny', inputs: ['pose', 'pose'] }, 'INVALID_ARGUMENT', 'inputs'],
      ['runs.start', { ...tiny, dataset: 'nope' }, 'NOT_FOUND', 'dataset'],
      ['runs.cancel', { runId: 'one' }, 'INVALID_ARGUMENT', 'runId'],
      ['runs.get', { runId: 999 }, 'NOT_FOUND', 'runId'],
      ['runs.resume', { runId: 999 }, 'NOT_FOUND', 'runId'],
      ['runs.report', { datasets: [] }, 'INVALID_ARGUMENT', 'datasets'],
      ['datasets.create', { name: ' ', protocol: 'cross-subject' }, 'INVALID_ARGUMENT', 'name'],
      ['datasets.create', { name: 'x', protocol: 'random' }, 'INVALID_ARGUMENT', 'protocol'],
      ['datasets.create', { name: 'x', protocol: 'cross-subject', valFraction: 1 }, 'INVALID_ARGUMENT', 'valFraction'],
      ['datasets.create', { name: 'x' }, 'INVALID_ARGUMENT', 'split'],
      ['datasets.preview', { protocol: 'cross-subject', split: { by: 'subject', train: '1' } }, 'INVALID_ARGUMENT', 'split'],
      ['datasets.preview', { split: { by: 'subject', train: '1-2', test: '2' } }, 'INVALID_ARGUMENT', 'split.test'],
      ['datasets.preview', { split: { by: 'session', train: '1' } }, 'INVALID_ARGUMENT', 'split.by'],
      ['datasets.preview', { protocol: 'cross-subject', window: { seconds: 2, stride: 1 } }, 'INVALID_ARGUMENT', 'window'],
      ['datasets.preview', { split: { by: 'subject', test: '2' }, clip: -1 }, 'INVALID_ARGUMENT', 'clip'],
    ];
    for (const [method, args, code, field] of cases) {
      const error = await failure(method, args);
      assert.deepEqual([error.code, error.field], [code, field], `${method} ${JSON.stringify(args)}: ${error.message}`);
    }
    // a teacher run has no distillation method
    const extra = await failure('runs.start', { kind: 'teacher', dataset: 'tiny', method: 'dask' });
    assert.equal(extra.code, 'INVALID_ARGUMENT', extra.message);
  });
});
