import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { main } from '../../main/cli/main.ts';
import type { CliIO } from '../../main/cli/command.ts';
import { reloadTfjs } from '../../main/export/exportStudent.ts';
import { loadOnnxRuntime } from '../../main/export/onnxRuntime.ts';
import type { ExportReport } from '../../main/export/report.ts';
import { sha256 } from '../../main/files/checksum.ts';
import { closeProject, openProject } from '../../main/store/project.ts';
import { getArtifact } from '../../main/store/runs.ts';
import { resnetMacs } from '../../main/train/models/resnet.ts';
import { defaultJob, prepareRun } from '../../main/train/runs.ts';
import { trainRun } from '../../main/train/trainer.ts';
import { decodeWeights } from '../../main/train/weightsBlob.ts';
import { tempDir } from '../helpers/tmp.ts';
import { tinyProject } from '../train/tinyProject.ts';

const ortMissing = await loadOnnxRuntime().then(
  () => null,
  (err: Error) => err.message,
);

function capture(): CliIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), interactive: false };
}

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('vskd export', () => {
  const dir = tempDir();
  let project = '';
  let runId = 0;
  const student = { ...defaultJob.student, gafSize: 16, width: 0.125 };

  before(async () => {
    ({ path: project } = await tinyProject(dir));
    const job = await prepareRun(project, {
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
    runId = job.runId;
    await trainRun(job, { onProgress: () => undefined, isCancelled: () => false, log: () => undefined });
  });

  it('writes ONNX float32, float16 and int8 with a manifest and a report', { timeout: 120_000 }, async () => {
    const out = join(dir, 'onnx');
    const io = capture();
    const code = await main(['export', project, String(runId), '--format', 'onnx', '--quantize', 'int8,float16', '--out', out, '--runs', '3'], io);
    assert.equal(code, 0, io.errors.join('\n'));
    for (const file of ['model.onnx', 'model.float16.onnx', 'model.int8.onnx', 'manifest.json', 'report.json', 'report.md'])
      assert.ok(existsSync(join(out, file)), `${file} written`);

    const manifest = json(join(out, 'manifest.json'));
    assert.deepEqual(manifest.labels, ['slow', 'fast']);
    assert.deepEqual(manifest.input, { name: 'gaf', dtype: 'float32', layout: 'NCHW', shape: ['batch', 3, 16, 16], channels: ['x', 'y', 'z'] });
    assert.deepEqual(manifest.model.onnx, { opset: 13, irVersion: 7 });
    const gaf = manifest.preprocessing.gaf;
    assert.deepEqual(
      [gaf.method, gaf.variant, gaf.size, gaf.sampleRange, gaf.paa],
      [student.gafMethod, student.gafVariant, 16, [-1, 1], { windows: 16, overlapping: false }],
    );
    assert.deepEqual(manifest.preprocessing.sensor.samplingRateHz, [50]);
    assert.equal(manifest.preprocessing.window.kind, 'full recording');
    assert.deepEqual(manifest.preprocessing.window.samples, { min: 60, median: 60, max: 60 });
    assert.ok(manifest.preprocessing.steps.length >= 5, 'the preprocessing in words');
    for (const f of manifest.model.files) assert.equal(sha256(readFileSync(join(out, f.path))), f.sha256, `${f.path} checksum`);

    const report = json(join(out, 'report.json')) as ExportReport;
    assert.equal(report.model.macs, resnetMacs({ classes: 2, inputSize: 16, width: 0.125 }));
    assert.ok(report.model.parameters > 0, 'parameters counted');
    assert.equal(report.testSamples, 8);
    assert.ok(report.tfjs.latency.medianMs > 0, 'tfjs latency measured');
    assert.deepEqual(
      report.exports.map((e) => e.precision),
      ['float32', 'float16', 'int8'],
    );
    const [fp32, fp16, int8] = report.exports;
    assert.ok(fp16.bytes < 0.6 * fp32.bytes && int8.bytes < 0.35 * fp32.bytes, `sizes ${fp32.bytes}, ${fp16.bytes}, ${int8.bytes}`);
    if (ortMissing) {
      assert.ok(
        report.exports.every((e) => e.latency === null && e.note?.includes('onnxruntime-node')),
        'unmeasured, and why',
      );
    } else {
      assert.ok(
        report.exports.every((e) => e.latency!.medianMs > 0 && e.accuracy !== null),
        'every file timed and scored',
      );
      assert.equal(fp32.top1Agreement, 1);
      assert.equal(fp32.accuracy, report.tfjs.accuracy);
      assert.ok(
        report.checks.slice(0, 2).every((c) => c.includes('within')),
        report.checks.join('\n'),
      );
    }
    assert.ok(io.lines.join('\n').includes('| onnx int8 | model.int8.onnx |'), 'the report is printed');
    assert.equal(readFileSync(join(out, 'report.md'), 'utf8'), `${io.lines[0]}`);
  });

  it('writes a tfjs weights directory that reloads to the same weights and logits', { timeout: 120_000 }, async () => {
    const out = join(dir, 'tfjs');
    const io = capture();
    assert.equal(await main(['export', project, String(runId), '--format', 'tfjs', '--out', out, '--runs', '3'], io), 0, io.errors.join('\n'));
    const report = json(join(out, 'report.json')) as ExportReport;
    assert.match(report.checks[0], /identical logits on 8 input/);
    assert.equal(report.exports[0].maxAbsDiff, 0);
    assert.equal(json(join(out, 'manifest.json')).input.layout, 'NHWC');
    const p = await openProject(project);
    const best = await getArtifact(p.db, runId, 'best');
    await closeProject(p);
    const reloaded = await reloadTfjs(out);
    try {
      const saved = await reloaded.getWeights();
      for (const [name, w] of Object.entries(decodeWeights(best!.data))) assert.deepEqual(saved[name].data, w.data, `${name} kept exactly`);
    } finally {
      reloaded.dispose();
    }
  });

  it('refuses what it cannot export, naming the problem', async () => {
    const misuse = capture();
    // the API's own check, the one the studio's export panel meets
    assert.equal(await main(['export', project, String(runId), '--format', 'tfjs', '--quantize', 'int8', '--out', join(dir, 'x')], misuse), 1);
    assert.match(misuse.errors.join('\n'), /runs\.export: quantize: applies to the onnx format/);
    const unknown = capture();
    assert.equal(await main(['export', project, '99', '--format', 'onnx', '--out', join(dir, 'y')], unknown), 1);
    assert.match(unknown.errors.join('\n'), /no run with id 99/);
  });
});
