/**
 * `vskd export`: a trained student run's best weights as a device bundle, either ONNX (written by
 * studentOnnx.ts, optionally also float16 and int8) or our tfjs weights directory, with
 * manifest.json (the preprocessing a device must repeat) and report.md / report.json (size,
 * multiply-accumulates, latency, test accuracy and agreement with the tfjs model).
 */
import { cpus } from 'node:os';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { StudioError } from '../shared/errors.ts';
import { sha256 } from '../files/checksum.ts';
import { closeProject, openProject } from '../store/project.ts';
import { getArtifact, getRun } from '../store/runs.ts';
import { selectBackend } from '../train/backend.ts';
import { loadSplits, studentImages } from '../train/inputs.ts';
import type { StudentSettings } from '../train/job.ts';
import type { WeightMap } from '../train/models/parameters.ts';
import { ResNet18, resnetMacs, type ResolvedResNetConfig } from '../train/models/resnet.ts';
import { readWeightsDir, saveWeightsDir } from '../train/models/weightsDir.ts';
import { predictStudent } from '../train/predict.ts';
import { decodeWeights } from '../train/weightsBlob.ts';
import { bundleManifest, sensorFacts, type BundleFile, type BundleSource, type SensorFacts } from './bundleManifest.ts';
import { accuracyOf, compareLogits, LOGIT_TOLERANCE, measureLatency, nhwcToNchw, type Latency } from './measure.ts';
import { loadOnnxRuntime, OnnxStudent } from './onnxRuntime.ts';
import { reportMarkdown, type ExportedModelReport, type ExportReport } from './report.ts';
import { studentOnnx, type OnnxPrecision } from './studentOnnx.ts';

export type ExportFormat = 'tfjs' | 'onnx';
export type Quantization = 'float16' | 'int8';

/** canonical order, once each: the bundle does not depend on how the list was given */
export function quantizationOrder(asked: readonly string[]): Quantization[] {
  return (['float16', 'int8'] as const).filter((q) => asked.includes(q));
}

export interface StudentExportOptions {
  projectPath: string;
  runId: number;
  format: ExportFormat;
  /** extra ONNX files at lower precision (ONNX only) */
  quantize: readonly Quantization[];
  outDir: string;
  /** timed runs per latency figure (batch 1) */
  latencyRuns: number;
  log: (line: string) => void;
  /** after each step: reading the run, the tfjs reference, each model file, the manifest and report */
  onProgress?: (done: number, total: number, message: string) => void;
}

export interface StudentExport {
  report: ExportReport;
  markdown: string;
  /** every file written, relative to outDir */
  files: string[];
}

/** rows per inference call when scoring the test split */
const BATCH = 32;

interface RunInputs {
  source: BundleSource;
  weights: WeightMap;
  classes: string[];
  settings: StudentSettings;
  sensor: SensorFacts;
  test: { images: Float32Array; labels: Int32Array };
}

/** The run's best weights, its settings, and its dataset's test split as GAF images, read once. */
async function readRun(projectPath: string, runId: number): Promise<RunInputs> {
  const project = await openProject(projectPath);
  try {
    const run = await getRun(project.db, runId);
    if (run.kind !== 'student') throw new StudioError('INVALID_ARGUMENT', `run ${runId} is a ${run.kind} run; only students are exported`, { field: 'run' });
    const best = await getArtifact(project.db, runId, 'best');
    if (!best) throw new StudioError('NOT_FOUND', `run ${runId} has no best weights yet (status ${run.status})`, { field: 'run' });
    if (run.datasetId === null) throw new StudioError('NOT_FOUND', `run ${runId} has no dataset`, { field: 'run' });
    const classes = best.meta.classes as string[];
    const data = await loadSplits(project.db, run.datasetId);
    if (data.classes.join('\n') !== classes.join('\n')) {
      throw new StudioError('CONFLICT', `run ${runId} was trained on classes [${classes.join(', ')}]; its dataset now has [${data.classes.join(', ')}]`, {
        field: 'run',
      });
    }
    const settings = run.config.student as StudentSettings;
    const all = [...data.splits.train.recordings, ...data.splits.val.recordings, ...data.splits.test.recordings];
    return {
      source: {
        project: basename(projectPath),
        run: runId,
        method: run.method,
        dataset: String(run.config.dataset),
        bestEpoch: Number(best.meta.epoch),
        valAccuracy: typeof best.meta.valAccuracy === 'number' ? best.meta.valAccuracy : null,
      },
      weights: decodeWeights(best.data),
      classes,
      settings,
      sensor: sensorFacts(all),
      test: { images: await studentImages(project.db, data.splits.test.recordings, settings), labels: data.splits.test.labels },
    };
  } finally {
    await closeProject(project);
  }
}

export async function exportStudent(options: StudentExportOptions): Promise<StudentExport> {
  if (options.format === 'tfjs' && options.quantize.length > 0) {
    throw new StudioError('INVALID_ARGUMENT', 'quantize applies to the onnx format (the tfjs weights directory holds float32)', { field: 'quantize' });
  }
  const models = options.format === 'onnx' ? 1 + options.quantize.length : 1;
  let done = 0;
  const step = (message: string) => options.onProgress?.(++done, models + 3, message);
  const inputs = await readRun(options.projectPath, options.runId);
  step(`run ${options.runId}: best weights and ${inputs.test.labels.length} test samples read`);
  const { backend } = await selectBackend('wasm', () => undefined);
  const { settings, classes, test } = inputs;
  const model = new ResNet18({ classes: classes.length, inputSize: settings.gafSize, width: settings.width });
  try {
    model.setWeights(inputs.weights);
    const size = settings.gafSize;
    const rows = test.labels.length;
    const reference = (await predictStudent(model, test.images, rows, BATCH)).logits;
    // latency does not depend on the values: the first test image, or zeros without a test split
    const probe = rows > 0 ? test.images.slice(0, size * size * 3) : new Float32Array(size * size * 3);
    options.log(`tfjs (${backend}): ${rows} test samples scored; timing ${options.latencyRuns} runs`);
    const tfjsLatency = await tfjsLatencyOf(model, probe, options.latencyRuns);
    step(`tfjs (${backend}): test split scored, latency timed`);
    const scale = reference.reduce((max, v) => Math.max(max, Math.abs(v)), 1);
    const context: WriteContext = { ...inputs, model, reference, scale, probe, options, step };
    await mkdir(options.outDir, { recursive: true });
    const written = options.format === 'onnx' ? await writeOnnx(context) : await writeTfjs(context);

    const report: ExportReport = {
      run: options.runId,
      dataset: inputs.source.dataset,
      method: inputs.source.method,
      classes: classes.length,
      model: {
        architecture: 'ResNet18',
        width: model.config.width,
        inputSize: size,
        stem: model.config.stem,
        parameters: model.parameterCount(),
        macs: resnetMacs(model.config),
      },
      cpu: cpus()[0]?.model ?? 'unknown CPU',
      testSamples: rows,
      tfjs: { backend, latency: tfjsLatency, accuracy: rows ? accuracyOf(reference, test.labels, classes.length) : null },
      exports: written.reports,
      checks: written.checks,
    };
    const manifest = bundleManifest({
      source: inputs.source,
      labels: classes,
      config: model.config,
      settings,
      sensor: inputs.sensor,
      files: written.files,
      format: options.format,
    });
    const markdown = reportMarkdown(report);
    await writeFile(join(options.outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await writeFile(join(options.outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(join(options.outDir, 'report.md'), markdown);
    step('manifest.json and report written');
    return { report, markdown, files: [...written.files.map((f) => f.path), 'manifest.json', 'report.json', 'report.md'] };
  } finally {
    model.dispose();
  }
}

interface WriteContext extends RunInputs {
  model: ResNet18;
  /** the tfjs model's test-split logits */
  reference: Float32Array;
  /** max(1, max |reference logit|): the scale the tolerances are relative to */
  scale: number;
  /** one NHWC image for latency */
  probe: Float32Array;
  options: StudentExportOptions;
  /** reports a model file done */
  step: (message: string) => void;
}

interface Written {
  files: BundleFile[];
  reports: ExportedModelReport[];
  checks: string[];
}

async function tfjsLatencyOf(model: ResNet18, image: Float32Array, runs: number): Promise<Latency> {
  const size = model.config.inputSize;
  const x = tf.tensor4d(image, [1, size, size, 3]);
  try {
    return await measureLatency(async () => {
      const out = model.forward(x, { training: false });
      await out.logits.data();
      tf.dispose([out.logits, out.feature, ...out.maps]);
    }, runs);
  } finally {
    x.dispose();
  }
}

async function writeOnnx(c: WriteContext): Promise<Written> {
  const { model, settings, classes, test, options } = c;
  const size = settings.gafSize;
  const rows = test.labels.length;
  const written: Written = { files: [], reports: [], checks: [] };
  const ort = await loadOnnxRuntime().catch((err: StudioError) => err);
  if (ort instanceof StudioError) options.log(`${ort.message}: the .onnx files are written but not measured`);
  const nchw = nhwcToNchw(test.images, rows, size);
  const probe = nhwcToNchw(c.probe, 1, size);
  const gaf = JSON.stringify({ method: settings.gafMethod, variant: settings.gafVariant, size, sampleRange: [-1, 1] });
  for (const precision of ['float32', ...options.quantize] as OnnxPrecision[]) {
    const file = precision === 'float32' ? 'model.onnx' : `model.${precision}.onnx`;
    const bytes = await studentOnnx(model, { precision, classes, metadata: { gaf } });
    await writeFile(join(options.outDir, file), bytes);
    written.files.push({ path: file, format: 'onnx', precision, bytes: bytes.length, sha256: sha256(bytes) });
    const entry: ExportedModelReport = {
      file,
      format: 'onnx',
      precision,
      bytes: bytes.length,
      latency: null,
      accuracy: null,
      top1Agreement: null,
      maxAbsDiff: null,
    };
    written.reports.push(entry);
    if (ort instanceof StudioError) {
      entry.note = `not measured: ${ort.message}`;
      c.step(`${file} written (not measured)`);
      continue;
    }
    options.log(`${file}: onnxruntime ${ort.version}, ${rows} test samples, timing ${options.latencyRuns} runs`);
    const session = await OnnxStudent.open(ort, bytes, size).catch((err: Error) => {
      throw new StudioError('INTERNAL', `${file}: onnxruntime refused the exported model: ${err.message}`, { file });
    });
    try {
      const logits = new Float32Array(rows * classes.length);
      for (let at = 0; at < rows; at += BATCH) {
        const n = Math.min(BATCH, rows - at);
        logits.set(await session.logits(nchw.subarray(at * size * size * 3, (at + n) * size * size * 3), n), at * classes.length);
      }
      entry.latency = await measureLatency(() => session.logits(probe, 1), options.latencyRuns);
      if (rows > 0) {
        const agreement = compareLogits(logits, c.reference, rows, classes.length);
        Object.assign(entry, agreement, { accuracy: accuracyOf(logits, test.labels, classes.length) });
        const bound = LOGIT_TOLERANCE[precision] * c.scale;
        const verdict = agreement.maxAbsDiff <= bound ? 'within' : 'EXCEEDS';
        written.checks.push(
          `${file}: max |Δ logit| ${agreement.maxAbsDiff.toExponential(2)} against tfjs, ${verdict} the ${precision} tolerance ${bound.toExponential(2)} (${LOGIT_TOLERANCE[precision]} × max(1, max |logit|))`,
        );
      }
    } finally {
      await session.release();
    }
    c.step(`${file} written and measured`);
  }
  return written;
}

async function writeTfjs(c: WriteContext): Promise<Written> {
  const { model, classes, test, options } = c;
  const rows = test.labels.length;
  const description = architectureOf(model.config, classes);
  await saveWeightsDir(options.outDir, await model.getWeights(), description);
  await writeFile(join(options.outDir, 'architecture.json'), `${JSON.stringify(description, null, 2)}\n`);
  const files: BundleFile[] = [];
  for (const path of ['model.json', 'weights.bin', 'architecture.json']) {
    const bytes = await readFile(join(options.outDir, path));
    files.push({ path, format: 'tfjs', precision: 'float32', bytes: bytes.length, sha256: sha256(bytes) });
  }

  // the check: a model built from architecture.json with the directory's weights gives the same logits, bit for bit
  const reloaded = await reloadTfjs(options.outDir);
  try {
    const size = reloaded.config.inputSize;
    // without a test split, the latency probe is the one input compared
    const images = rows > 0 ? test.images : c.probe;
    const compared = Math.max(rows, 1);
    const logits = (await predictStudent(reloaded, images, compared, BATCH)).logits;
    const expected = rows > 0 ? c.reference : (await predictStudent(model, images, 1, BATCH)).logits;
    const agreement = compareLogits(logits, expected, compared, classes.length);
    if (agreement.maxAbsDiff !== 0) {
      throw new StudioError('INTERNAL', `${options.outDir}: the reloaded tfjs model's logits differ from the run's by up to ${agreement.maxAbsDiff}`, {
        file: options.outDir,
      });
    }
    const latency = await tfjsLatencyOf(reloaded, c.probe.subarray(0, size * size * 3), options.latencyRuns);
    c.step('tfjs weights directory written, reloaded and measured');
    return {
      files,
      reports: [
        {
          file: 'model.json + weights.bin + architecture.json',
          format: 'tfjs',
          precision: 'float32',
          bytes: files.reduce((n, f) => n + f.bytes, 0),
          latency,
          accuracy: rows ? accuracyOf(logits, test.labels, classes.length) : null,
          top1Agreement: agreement.top1Agreement,
          maxAbsDiff: 0,
        },
      ],
      checks: [`tfjs reload: a ResNet18 built from architecture.json with the saved weights gives identical logits on ${compared} input(s)`],
    };
  } finally {
    reloaded.dispose();
  }
}

function architectureOf(config: ResolvedResNetConfig, classes: readonly string[]) {
  return {
    architecture: 'ResNet18',
    config,
    labels: classes,
    input: { dtype: 'float32', layout: 'NHWC', shape: ['batch', config.inputSize, config.inputSize, config.inChannels] },
    output: { name: 'logits', shape: ['batch', config.classes] },
  };
}

/** A student from an exported tfjs directory (architecture.json + our weights directory). */
export async function reloadTfjs(dir: string): Promise<ResNet18> {
  const file = join(dir, 'architecture.json');
  const description = JSON.parse(await readFile(file, 'utf8')) as ReturnType<typeof architectureOf>;
  if (description.architecture !== 'ResNet18')
    throw new StudioError('BAD_INPUT', `${file}: architecture ${String(description.architecture)} is not ResNet18`, { file, field: 'architecture' });
  const { weights, unreadable } = await readWeightsDir(dir);
  if (unreadable.length > 0)
    throw new StudioError('BAD_INPUT', `${dir}: weights not stored as float32: ${unreadable.map((u) => u.name).join(', ')}`, { file: dir });
  const model = new ResNet18(description.config);
  try {
    model.setWeights(weights);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}
