/**
 * runs.export through the dispatcher, as the renderer calls it, on the trainer tests' tiny project
 * with one finished student: bundles written next to the project (never over an earlier one) or to
 * a chosen folder, the steps as job.progress, the report returned, the main thread free meanwhile;
 * and the calls it refuses.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { createDispatcher } from '../../main/api/dispatch.ts';
import { createStudioService } from '../../main/api/service.ts';
import { closeProject, openProject } from '../../main/store/project.ts';
import { createRun, markRunEnded } from '../../main/store/runs.ts';
import { defaultJob, prepareRun } from '../../main/train/runs.ts';
import { trainRun } from '../../main/train/trainer.ts';
import type { MethodArgs } from '../../main/shared/contract.ts';
import { apiCaller } from '../helpers/api.ts';
import { eventLog, resultOf } from '../helpers/events.ts';
import { tempDir } from '../helpers/tmp.ts';
import { tinyProject } from '../train/tinyProject.ts';

describe('runs.export API', () => {
  const log = eventLog();
  const service = createStudioService({ version: 'test', emit: log.emit });
  const { call, failure } = apiCaller(createDispatcher(service.handlers));
  /** the job of runs.export, and what it made once it is done */
  const started = (args: MethodArgs<'runs.export'>) => call('runs.export', args).then(({ job }) => log.ended(job));
  const exported = async (args: MethodArgs<'runs.export'>) => resultOf(await started(args), 'export.student');
  /** the export's steps (after the manager's 'starting') */
  const steps = (job: string) => log.payloads('job.progress', job).filter((p) => p.total > 0);
  const dir = tempDir('vskd-export-api-');
  let studentId = 0;
  let teacherId = 0;
  let unfinishedId = 0;
  let weightlessId = 0;

  before(async () => {
    const { path, datasetId } = await tinyProject(dir);
    const student = { ...defaultJob.student, gafSize: 16, width: 0.125 };
    const job = await prepareRun(path, {
      ...defaultJob,
      backend: 'wasm',
      epochs: 1,
      batchSize: 4,
      student,
      dataset: 'tiny',
      kind: 'student',
      method: 'baseline',
      teacherRunId: null,
    });
    studentId = job.runId;
    await trainRun(job, { onProgress: () => undefined, isCancelled: () => false, log: () => undefined });
    const project = await openProject(path);
    teacherId = await createRun(project.db, { datasetId, kind: 'teacher', method: 'baseline', config: {} });
    unfinishedId = await createRun(project.db, { datasetId, kind: 'student', method: 'baseline', config: {} });
    weightlessId = await createRun(project.db, { datasetId, kind: 'student', method: 'baseline', config: {} });
    await markRunEnded(project.db, weightlessId, 'done');
    await closeProject(project);
    await call('project.open', { path });
  });
  after(() => service.dispose());

  it('writes an ONNX bundle with both quantizations next to the project, reporting each step', { timeout: 120_000 }, async () => {
    const end = await started({ runId: studentId, format: 'onnx', quantize: ['int8', 'float16'], latencyRuns: 3 });
    const result = resultOf(end, 'export.student');
    assert.equal(result.outDir, join(dir, 'tiny-exports', `run-${studentId}-onnx`));
    assert.deepEqual(readdirSync(result.outDir).sort(), ['manifest.json', 'model.float16.onnx', 'model.int8.onnx', 'model.onnx', 'report.json', 'report.md']);
    assert.deepEqual(result.files, ['model.onnx', 'model.float16.onnx', 'model.int8.onnx', 'manifest.json', 'report.json', 'report.md']);
    assert.deepEqual(result.report, JSON.parse(readFileSync(join(result.outDir, 'report.json'), 'utf8')), 'the report returned is the one written');
    assert.equal(result.markdown, readFileSync(join(result.outDir, 'report.md'), 'utf8'));
    assert.deepEqual(
      result.report.exports.map((e) => [e.file, e.precision]),
      [
        ['model.onnx', 'float32'],
        ['model.float16.onnx', 'float16'],
        ['model.int8.onnx', 'int8'],
      ],
    );
    assert.equal(result.report.testSamples, 8);
    assert.ok(result.report.model.parameters > 0 && result.report.model.macs > 0, 'parameters and MACs counted');
    for (const e of result.report.exports) assert.ok((e.latency !== null && e.accuracy !== null) || e.note, `${e.file} is measured or says why not`);

    // reading, the tfjs reference, three model files, the manifest and report
    const progress = steps(end.job);
    assert.deepEqual(
      progress.map((p) => [p.kind, p.title, p.done, p.total]),
      [1, 2, 3, 4, 5, 6].map((done) => ['export.student', `Run ${studentId} as onnx`, done, 6]),
    );
    assert.match(progress[0].message, /8 test samples read/);
    assert.match(progress[3].message, /^model\.float16\.onnx written/);
  });

  it('exports again beside the earlier bundle, never over it', { timeout: 120_000 }, async () => {
    const again = await exported({ runId: studentId, format: 'onnx', latencyRuns: 1 });
    assert.equal(again.outDir, join(dir, 'tiny-exports', `run-${studentId}-onnx-2`));
    assert.deepEqual(
      again.report.exports.map((e) => e.file),
      ['model.onnx'],
    );
    assert.ok(existsSync(join(dir, 'tiny-exports', `run-${studentId}-onnx`, 'model.int8.onnx')), 'the first bundle is kept whole');
  });

  it('writes a tfjs weights directory into a chosen empty folder', { timeout: 120_000 }, async () => {
    const out = join(dir, 'chosen');
    mkdirSync(out);
    const end = await started({ runId: studentId, format: 'tfjs', out, latencyRuns: 2 });
    const result = resultOf(end, 'export.student');
    assert.equal(result.outDir, out);
    assert.deepEqual(result.files, ['model.json', 'weights.bin', 'architecture.json', 'manifest.json', 'report.json', 'report.md']);
    const [tfjs] = result.report.exports;
    assert.deepEqual([tfjs.format, tfjs.maxAbsDiff, tfjs.top1Agreement, tfjs.latency?.runs], ['tfjs', 0, 1, 2]);
    assert.deepEqual(
      steps(end.job).map((p) => p.done),
      [1, 2, 3, 4],
    );
  });

  it('refuses arguments the contract does not allow, naming the field', async () => {
    const refused: [unknown, string][] = [
      [{ format: 'onnx' }, 'runId'],
      [{ runId: studentId }, 'format'],
      [{ runId: studentId, format: 'savedmodel' }, 'format'],
      [{ runId: studentId, format: 'onnx', quantize: ['int4'] }, 'quantize.0'],
      [{ runId: studentId, format: 'onnx', quantize: ['int8', 'int8'] }, 'quantize'],
      [{ runId: studentId, format: 'tfjs', quantize: ['float16'] }, 'quantize'],
      [{ runId: studentId, format: 'onnx', out: '' }, 'out'],
      [{ runId: studentId, format: 'onnx', latencyRuns: 0 }, 'latencyRuns'],
      [{ runId: studentId, format: 'onnx', overwrite: true }, 'args'],
    ];
    for (const [args, field] of refused) {
      const error = await failure('runs.export', args);
      assert.equal(error.code, 'INVALID_ARGUMENT', error.message);
      assert.equal(error.field, field, `${JSON.stringify(args)}: ${error.message}`);
    }
    const tfjsQuantized = await failure('runs.export', { runId: studentId, format: 'tfjs', quantize: ['float16'] });
    assert.match(tfjsQuantized.message, /quantize: applies to the onnx format/);
  });

  it('refuses folders it cannot write a bundle to, naming out', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const full = join(dir, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'notes.txt'), 'x');
    const cases: [string, string, RegExp][] = [
      ['relative/bundle', 'INVALID_ARGUMENT', /out: relative\/bundle is not an absolute path/],
      [file, 'INVALID_ARGUMENT', /is a file, not a folder/],
      [join(file, 'bundle'), 'INVALID_ARGUMENT', /cannot be written: ENOTDIR/],
      // not even root may make a folder in /proc (where Node's recursive mkdir would spin for ever)
      ['/proc/vskd-export/bundle', 'INVALID_ARGUMENT', /out: \/proc\/vskd-export\/bundle cannot be written: ENOENT/],
      [full, 'CONFLICT', /already holds files: choose a new or empty folder/],
    ];
    for (const [out, code, message] of cases) {
      const error = await failure('runs.export', { runId: studentId, format: 'onnx', out });
      assert.deepEqual([error.code, error.field], [code, 'out'], error.message);
      assert.match(error.message, message);
    }
    assert.deepEqual(readdirSync(full), ['notes.txt'], 'a folder with files is left as it was');
  });

  it('refuses runs that are not finished students, naming runId', async () => {
    const cases: [number, string, RegExp][] = [
      [999, 'NOT_FOUND', /runId: no run with id 999/],
      [teacherId, 'INVALID_ARGUMENT', new RegExp(`run ${teacherId} is a teacher run: only students`)],
      [unfinishedId, 'CONFLICT', new RegExp(`run ${unfinishedId} has not finished \\(status created\\)`)],
    ];
    for (const [runId, code, message] of cases) {
      const error = await failure('runs.export', { runId, format: 'onnx', out: join(dir, `never-${runId}`) });
      assert.deepEqual([error.code, error.field], [code, 'runId'], error.message);
      assert.match(error.message, message);
      assert.ok(!existsSync(join(dir, `never-${runId}`)), `no folder made for run ${runId}`);
    }
  });

  it("ends the job failed with the message of a failure inside the export's worker", async () => {
    const end = await started({ runId: weightlessId, format: 'onnx', out: join(dir, 'weightless') });
    assert.equal(end.status, 'failed');
    assert.match(end.error ?? '', new RegExp(`run ${weightlessId} has no best weights yet \\(status done\\)`));
  });

  it("keeps the studio's main thread responsive while it exports", { timeout: 180_000 }, async (t) => {
    // 1000 timed runs per latency figure make the export last seconds; on this thread a figure's forward
    // passes would run back to back without yielding (a stall of over half the export); in a worker the
    // lag is the machine's noise
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const start = performance.now();
    await exported({ runId: studentId, format: 'tfjs', out: join(dir, 'responsive'), latencyRuns: 1000 });
    const seconds = (performance.now() - start) / 1000;
    lag.disable();
    const maxLag = lag.max / 1e9;
    t.diagnostic(`export ${seconds.toFixed(2)} s, the main thread's longest stall ${maxLag.toFixed(3)} s`);
    // generous for a loaded machine, yet well under the stall of an export on this thread
    assert.ok(maxLag < seconds / 5, `the main thread stalled ${maxLag.toFixed(2)} s during a ${seconds.toFixed(2)} s export`);
  });

  it('runs one export at a time', { timeout: 120_000 }, async () => {
    const first = await call('runs.export', { runId: studentId, format: 'onnx', out: join(dir, 'first'), latencyRuns: 1 });
    const second = await failure('runs.export', { runId: studentId, format: 'onnx', out: join(dir, 'second') });
    assert.deepEqual([second.code, second.field], ['CONFLICT', 'job'], second.message);
    assert.match(second.message, /is running, and one export\.student job runs at a time/);
    assert.equal(resultOf(await log.ended(first.job), 'export.student').outDir, join(dir, 'first'));
  });
});
