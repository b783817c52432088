/**
 * One training run, start to end or cancel: the model, its inputs, the epochs with validation
 * for model selection and early stopping, a checkpoint each epoch (resume continues from the last
 * one), the best weights (the last epoch's when there is no validation split: nothing else may
 * select), and the test-set evaluation of those best weights.
 * Runs in a worker (runInWorker.ts) so the studio never blocks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { StudioError } from '../shared/errors.ts';
import type { BackendName } from '../shared/trainSettings.ts';
import { closeProject, openProject, type Project } from '../store/project.ts';
import { getArtifact, getRun, markRunEnded, markRunStarted, putArtifact, recordEpoch } from '../store/runs.ts';
import { selectBackend } from './backend.ts';
import { disposeInputs, teacherBatch, type TeacherData } from './batches.ts';
import { decodeCheckpoint, encodeCheckpoint, optimiserWeights, restoreOptimiser } from './checkpoint.ts';
import { batchesOf, epochRng, shuffledOrder } from './epochOrder.ts';
import { gafImagesOf } from './gafImages.ts';
import { frameSequences, loadSplits, poseSequences, studentSignals, type SplitData } from './inputs.ts';
import type { TrainJob, TrainPreparation, TrainProgress, TrainResult } from './job.ts';
import { nativeKernelsFor, type NativeKernels } from './kernels/nativeKernels.ts';
import { distillationLoss } from './losses/registry.ts';
import { argmaxRows, classificationReport } from './metrics.ts';
import type { Model } from './models/parameters.ts';
import type { ResNet18 } from './models/resnet.ts';
import { Teacher } from './models/teacher.ts';
import { initFromWeightsDir } from './models/weightsDir.ts';
import { predictStudent, predictTeacher, type Predictions } from './predict.ts';
import { learningRateAt, makeOptimiser, setLearningRate } from './schedule.ts';
import { trainStep, type GradientReduction, type StepLoss } from './step.ts';
import { studentTraining, type StudentTrainingData } from './studentTraining.ts';
import { TrainingPeers, withPeers } from './trainingPeers.ts';
import { kernelThreads, trainingThreads } from './trainingThreads.ts';
import { decodeWeights, encodeWeights } from './weightsBlob.ts';

export interface TrainHooks {
  onProgress(progress: TrainProgress): void;
  /** inputs read or computed before the first epoch */
  onPreparing?(preparation: TrainPreparation): void;
  isCancelled(): boolean;
  log(line: string): void;
}

/** Thrown when a cancel arrives before the first epoch: the run ends 'cancelled', with nothing trained. */
class CancelledWhilePreparing extends Error {}

/**
 * Counts one kind of input as it is prepared: call the result once per item (`done` given, or one
 * more). A cancel is honoured between items.
 */
function preparing(job: TrainJob, hooks: TrainHooks, what: string, total: number): (done?: number) => void {
  let count = 0;
  hooks.onPreparing?.({ runId: job.runId, what, done: 0, total });
  return (done = count + 1) => {
    if (hooks.isCancelled()) throw new CancelledWhilePreparing();
    count = done;
    hooks.onPreparing?.({ runId: job.runId, what, done, total });
  };
}

/** Everything a run's epochs need, built once. */
interface Setup {
  model: ResNet18 | Teacher;
  classes: string[];
  trainRows: number;
  /** the training labels, in training-set order */
  labels: Int32Array;
  forwardLoss(rows: number[], epoch: number, step: number): StepLoss;
  /** before each epoch's steps: redraws what is drawn per epoch (the student's augmented images) */
  startEpoch?(epoch: number): void;
  extraVariables: tf.Variable[];
  /** the threads each step runs on (trainingPeers.ts) */
  threads: number;
  /** on several threads: starts the others from the model's and optimiser's state (checkpoint.ts's encoding) */
  begin?(state: Uint8Array): Promise<void>;
  reduceGradients?: GradientReduction;
  /** the error to report for one a step threw (another thread's own, where it caused it) */
  explain?(err: unknown): unknown;
  predict(split: 'val' | 'test'): Promise<Predictions | null>;
  dispose(): void;
}

export async function trainRun(job: TrainJob, hooks: TrainHooks): Promise<TrainResult> {
  const started = performance.now();
  const { backend } = await selectBackend(job.backend, hooks.log);
  const project = await openProject(job.projectPath);
  try {
    await getRun(project.db, job.runId);
    await markRunStarted(project.db, job.runId, backend);
    const result = await runEpochs(project, job, hooks, backend, started).catch((err: unknown) => {
      if (!(err instanceof CancelledWhilePreparing)) throw err;
      hooks.log(`run ${job.runId} cancelled before its first epoch`);
      return {
        runId: job.runId,
        status: 'cancelled',
        backend,
        threads: 1,
        bestEpoch: 0,
        bestValAccuracy: -1,
        epochsRun: 0,
        seconds: (performance.now() - started) / 1000,
      } satisfies TrainResult;
    });
    await markRunEnded(project.db, job.runId, result.status);
    return result;
  } catch (err) {
    await markRunEnded(project.db, job.runId, 'failed', err instanceof Error ? err.message : String(err)).catch(() => undefined);
    throw err;
  } finally {
    await closeProject(project);
  }
}

async function runEpochs(project: Project, job: TrainJob, hooks: TrainHooks, backend: BackendName, started: number): Promise<TrainResult> {
  const { db } = project;
  const data = await loadSplits(db, job.datasetId);
  const setup = job.kind === 'student' ? await studentSetup(project, job, data, hooks, backend) : await teacherSetup(project, job, data, hooks, backend);
  const optimiser = makeOptimiser(job.optimiser);
  try {
    return await trainEpochs(project, job, hooks, backend, started, data, setup, optimiser);
  } finally {
    optimiser.dispose();
    setup.dispose();
  }
}

async function trainEpochs(
  project: Project,
  job: TrainJob,
  hooks: TrainHooks,
  backend: BackendName,
  started: number,
  data: SplitData,
  setup: Setup,
  optimiser: tf.Optimizer,
): Promise<TrainResult> {
  const { db } = project;
  const variables = [...setup.model.trainableVariables, ...setup.extraVariables];
  let firstEpoch = 1;
  // valAccuracy null: no validation split (JSON keeps no NaN in the checkpoint)
  let best: { epoch: number; valAccuracy: number | null } = { epoch: 0, valAccuracy: -1 };
  const saved = await getArtifact(db, job.runId, 'checkpoint');
  if (saved) {
    const checkpoint = decodeCheckpoint(saved.data, `run ${job.runId} checkpoint`);
    setup.model.setWeights(checkpoint.weights);
    await restoreOptimiser(optimiser, checkpoint.optimiser);
    firstEpoch = Number(checkpoint.state.epoch) + 1;
    best = checkpoint.state.best as typeof best;
    const selected = best.valAccuracy === null ? 'no validation split' : `best validation accuracy ${best.valAccuracy.toFixed(3)} at epoch ${best.epoch}`;
    hooks.log(`resuming run ${job.runId} after epoch ${firstEpoch - 1} (${selected})`);
  }
  await setup.begin?.(encodeCheckpoint({ weights: await setup.model.getWeights(), optimiser: await optimiserWeights(optimiser), state: {} }));

  let status: TrainResult['status'] = 'done';
  let epoch = firstEpoch;
  let sinceBest = 0;
  const sampleTimes: number[] = [];
  for (; epoch <= job.epochs; epoch++) {
    setLearningRate(optimiser, learningRateAt(job.optimiser, epoch, job.epochs));
    setup.startEpoch?.(epoch);
    const order = shuffledOrder(setup.trainRows, epochRng(job.seed, epoch, 0));
    const batches = batchesOf(order, job.batchSize).filter((b) => b.length > 1 || order.length === 1);
    const sums: Record<string, number> = {};
    let correct = 0;
    let seen = 0;
    const epochStart = performance.now();
    // Step k's numbers are read while step k + 1 runs: awaiting them first would leave a GPU idle
    // between steps. On wasm and cpu the values are the same, only read later.
    let previous: Promise<void> = Promise.resolve();
    for (const [step, rows] of batches.entries()) {
      if (hooks.isCancelled()) {
        status = 'cancelled';
        break;
      }
      const { value, outputs } = (() => {
        try {
          return trainStep(() => setup.forwardLoss(rows, epoch, step), variables, optimiser, job.optimiser.weightDecay, setup.reduceGradients);
        } catch (err) {
          throw setup.explain?.(err) ?? err;
        }
      })();
      const reading = readStep(value, outputs);
      await previous;
      previous = reading.then(({ total, predicted, terms }) => {
        for (const [name, v] of Object.entries(terms)) sums[name] = (sums[name] ?? 0) + v * rows.length;
        sums.total = (sums.total ?? 0) + total * rows.length;
        rows.forEach((r, i) => (correct += predicted[i] === setup.labels[r] ? 1 : 0));
        seen += rows.length;
        const perSecond = seen / ((performance.now() - epochStart) / 1000);
        const remaining = (job.epochs - epoch) * setup.trainRows + (setup.trainRows - seen);
        hooks.onProgress({
          runId: job.runId,
          epoch,
          epochs: job.epochs,
          step: step + 1,
          steps: batches.length,
          terms: Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / seen])),
          trainAccuracy: correct / seen,
          samplesPerSecond: perSecond,
          etaSeconds: remaining / perSecond,
          backend,
          threads: setup.threads,
        });
      });
    }
    await previous;
    if (status === 'cancelled') break;
    sampleTimes.push(seen / ((performance.now() - epochStart) / 1000));

    const val = await setup.predict('val');
    // no validation split: no validation accuracy (NaN, not the training accuracy under its name)
    const valAccuracy = val ? accuracyOf(val, data.splits.val.labels) : NaN;
    const metrics = {
      ...Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / seen])),
      trainAccuracy: correct / seen,
      valAccuracy,
      learningRate: learningRateAt(job.optimiser, epoch, job.epochs),
      samplesPerSecond: sampleTimes.at(-1)!,
    };
    // without a validation split every epoch replaces the last: training accuracy reaches 100% within
    // a few epochs and would pin the selection there, on weights that generalise far worse (issue 16)
    if (!val || valAccuracy > (best.valAccuracy ?? -1)) {
      best = { epoch, valAccuracy: val ? valAccuracy : null };
      sinceBest = 0;
      await putArtifact(db, job.runId, 'best', 'weights', encodeWeights(await setup.model.getWeights()), {
        epoch,
        valAccuracy: best.valAccuracy,
        classes: setup.classes,
      });
    } else sinceBest++;
    const checkpoint = encodeCheckpoint({ weights: await setup.model.getWeights(), optimiser: await optimiserWeights(optimiser), state: { epoch, best } });
    await recordEpoch(db, job.runId, { epoch, metrics }, checkpoint);
    hooks.onProgress({
      runId: job.runId,
      epoch,
      epochs: job.epochs,
      step: batches.length,
      steps: batches.length,
      terms: metrics,
      trainAccuracy: metrics.trainAccuracy,
      valAccuracy,
      samplesPerSecond: metrics.samplesPerSecond,
      etaSeconds: ((job.epochs - epoch) * setup.trainRows) / metrics.samplesPerSecond,
      backend,
      threads: setup.threads,
    });
    if (job.patience > 0 && sinceBest >= job.patience) {
      hooks.log(`early stop after epoch ${epoch}: no better validation accuracy for ${job.patience} epochs`);
      epoch++;
      break;
    }
  }

  if (status === 'done') await evaluateBest(project, job, setup, data);
  return {
    runId: job.runId,
    status,
    backend,
    threads: setup.threads,
    bestEpoch: best.epoch,
    bestValAccuracy: best.valAccuracy ?? NaN,
    epochsRun: epoch - firstEpoch,
    seconds: (performance.now() - started) / 1000,
  };
}

/** One step's loss, terms and predicted classes, read back; the tensors are freed once read. */
async function readStep(
  value: tf.Scalar,
  outputs: { terms: Record<string, tf.Scalar>; logits: tf.Tensor2D },
): Promise<{ total: number; predicted: ArrayLike<number>; terms: Record<string, number> }> {
  const predictedClasses = tf.argMax(outputs.logits, 1);
  const names = Object.keys(outputs.terms);
  try {
    const [total, predicted, ...values] = await Promise.all([value.data(), predictedClasses.data(), ...names.map((name) => outputs.terms[name].data())]);
    return { total: total[0], predicted, terms: Object.fromEntries(names.map((name, i) => [name, values[i][0]])) };
  } finally {
    tf.dispose([value, predictedClasses, outputs.logits, ...Object.values(outputs.terms)]);
  }
}

function accuracyOf(predictions: Predictions, labels: Int32Array): number {
  const predicted = argmaxRows(predictions.logits, predictions.rows, predictions.classes);
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return labels.length === 0 ? NaN : correct / labels.length;
}

/** The test split scored with the best epoch's weights, stored as the run's 'evaluation'. */
async function evaluateBest(project: Project, job: TrainJob, setup: Setup, data: SplitData): Promise<void> {
  const best = await getArtifact(project.db, job.runId, 'best');
  if (best) setup.model.setWeights(decodeWeights(best.data));
  const test = await setup.predict('test');
  if (!test) return;
  const report = classificationReport(data.splits.test.labels, argmaxRows(test.logits, test.rows, test.classes), data.classes.length);
  await putArtifact(project.db, job.runId, 'evaluation', 'json', Buffer.from(JSON.stringify({ split: 'test', classes: data.classes, ...report })), {
    accuracy: report.accuracy,
    macroF1: report.macroF1,
    bestEpoch: best?.meta.epoch ?? null,
  });
}

async function initialise(model: Model, job: TrainJob, log: (line: string) => void): Promise<void> {
  if (!job.initFrom) return;
  const report = await initFromWeightsDir(model, job.initFrom);
  log(
    `initialised from ${job.initFrom}: ${report.loaded.length} weights loaded, ${report.skipped.length} skipped, ${report.missing.length} kept their initial values`,
  );
}

/** The teacher for `data`'s inputs: the joint count is the skeletons' own (20 for Kinect v1). */
function teacherModel(classes: number, settings: TrainJob['teacher'], seed: number, data: TeacherData): Teacher {
  return new Teacher({
    classes,
    inputs: settings.inputs,
    segments: settings.segments,
    frames: settings.inputs.includes('frames') ? { size: settings.frameSize, channels: 1 } : undefined,
    pose: data.pose ? { joints: data.pose.joints } : undefined,
    seed,
  });
}

async function teacherData(
  project: Project,
  settings: TrainJob['teacher'],
  recordings: SplitData['splits']['train']['recordings'],
  onRecording: () => void,
): Promise<TeacherData> {
  const { inputs, segments, frameSize } = settings;
  return {
    segments,
    pose: inputs.includes('pose') ? await poseSequences(project.db, recordings, onRecording) : undefined,
    frames: inputs.includes('frames') ? { size: frameSize, sequences: await frameSequences(recordings, frameSize, onRecording) } : undefined,
  };
}

/** what a teacher reads per recording, as the progress names it */
const teacherInputsName = (settings: TrainJob['teacher']) => settings.inputs.map((i) => (i === 'pose' ? 'poses' : 'video frames')).join(' and ');

/** the recordings of every split, for counting */
const recordingCount = (data: SplitData) => data.splits.train.recordings.length + data.splits.val.recordings.length + data.splits.test.recordings.length;

async function teacherSetup(project: Project, job: TrainJob, data: SplitData, hooks: TrainHooks, backend: BackendName): Promise<Setup> {
  const tick = preparing(job, hooks, teacherInputsName(job.teacher), job.teacher.inputs.length * recordingCount(data));
  const sets = {
    train: await teacherData(project, job.teacher, data.splits.train.recordings, tick),
    val: await teacherData(project, job.teacher, data.splits.val.recordings, tick),
    test: await teacherData(project, job.teacher, data.splits.test.recordings, tick),
  };
  const model = teacherModel(data.classes.length, job.teacher, job.seed, sets.train);
  await initialise(model, job, hooks.log);
  const lossFn = distillationLoss('baseline');
  const kernels = nativeKernelsFor(backend);
  return {
    model,
    classes: data.classes,
    trainRows: data.splits.train.recordings.length,
    labels: data.splits.train.labels,
    extraVariables: [],
    threads: kernels ? useKernelThreads(kernels, job, hooks.log) : 1,
    forwardLoss(rows, epoch, step) {
      const inputs = teacherBatch(sets.train, rows, 'train', epochRng(job.seed, epoch, step + 1));
      const out = model.forward(inputs, { training: true });
      disposeInputs(inputs);
      const labels = tf.tensor1d(
        rows.map((r) => data.splits.train.labels[r]),
        'int32',
      );
      const loss = lossFn({ labels, studentLogits: out.logits, teacherLogits: out.logits });
      return { ...loss, logits: out.logits };
    },
    predict: async (split) =>
      data.splits[split].recordings.length ? predictTeacher(model, sets[split], data.splits[split].recordings.length, job.batchSize) : null,
    dispose: () => model.dispose(),
  };
}

/**
 * The teacher's outputs on the student's training recordings, computed once with the teacher
 * run's best weights and kept with the student run ('teacher-outputs').
 */
async function teacherOutputs(project: Project, job: TrainJob, data: SplitData, hooks: TrainHooks): Promise<Predictions> {
  const cached = await getArtifact(project.db, job.runId, 'teacher-outputs');
  const decoded = cached && decodePredictions(cached.data);
  // caches written before the time maps were kept lack them; only attention transfer needs them
  if (decoded && (decoded.mapShape.length > 0 || job.method !== 'at')) return decoded;
  if (job.teacherRunId === null)
    throw new StudioError('INVALID_ARGUMENT', `method ${job.method} distils from a teacher: give a teacher run`, { field: 'teacherRunId' });
  const teacherRun = await getRun(project.db, job.teacherRunId);
  if (teacherRun.kind !== 'teacher')
    throw new StudioError('INVALID_ARGUMENT', `run ${job.teacherRunId} is a ${teacherRun.kind} run, not a teacher`, { field: 'teacherRunId' });
  const best = await getArtifact(project.db, job.teacherRunId, 'best');
  if (!best)
    throw new StudioError('NOT_FOUND', `teacher run ${job.teacherRunId} has no trained weights (status ${teacherRun.status})`, { field: 'teacherRunId' });
  const teacherClasses = best.meta.classes as string[];
  if (teacherClasses.join('\n') !== data.classes.join('\n')) {
    throw new StudioError('INVALID_ARGUMENT', `teacher run ${job.teacherRunId} knows other classes than this dataset`, { field: 'teacherRunId' });
  }
  const settings = teacherRun.config.teacher as TrainJob['teacher'];
  const rows = data.splits.train.recordings.length;
  const inputs = await teacherData(
    project,
    settings,
    data.splits.train.recordings,
    preparing(job, hooks, `teacher ${teacherInputsName(settings)}`, settings.inputs.length * rows),
  );
  const teacher = teacherModel(data.classes.length, settings, Number(teacherRun.config.seed ?? 0), inputs);
  try {
    teacher.setWeights(decodeWeights(best.data));
    const outputs = await predictTeacher(teacher, inputs, rows, job.batchSize, preparing(job, hooks, 'teacher outputs', rows));
    await putArtifact(project.db, job.runId, 'teacher-outputs', 'cache', encodePredictions(outputs), { teacherRunId: job.teacherRunId });
    hooks.log(`teacher run ${job.teacherRunId}: outputs for ${outputs.rows} training recordings computed and cached`);
    return outputs;
  } finally {
    teacher.dispose();
  }
}

const bytesOf = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function encodePredictions(p: Predictions): Buffer {
  const header = Buffer.from(JSON.stringify({ rows: p.rows, classes: p.classes, featureSize: p.featureSize, mapShape: p.mapShape }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  return Buffer.concat([length, header, bytesOf(p.logits), bytesOf(p.features), bytesOf(p.maps)]);
}

function decodePredictions(buf: Buffer): Predictions {
  const headerLength = buf.readUInt32LE(0);
  const { rows, classes, featureSize, mapShape = [] } = JSON.parse(buf.subarray(4, 4 + headerLength).toString());
  const mapSize = (mapShape as number[]).reduce((a, b) => a * b, mapShape.length ? 1 : 0);
  const body = new Float32Array(rows * (classes + featureSize + mapSize));
  new Uint8Array(body.buffer).set(buf.subarray(4 + headerLength, 4 + headerLength + body.byteLength));
  const featuresEnd = rows * (classes + featureSize);
  return {
    rows,
    classes,
    featureSize,
    logits: body.slice(0, rows * classes),
    features: body.slice(rows * classes, featuresEnd),
    mapShape,
    maps: body.slice(featuresEnd),
  };
}

/** Sets the native kernels' threads for this run (kernelThreads); returns the count. */
function useKernelThreads(kernels: NativeKernels, job: TrainJob, log: (line: string) => void): number {
  const threads = kernelThreads(job);
  kernels.setThreads(threads);
  log(`the native kernels (convolutions, BatchNorm) compute on ${threads} thread${threads === 1 ? '' : 's'}`);
  return threads;
}

async function studentSetup(project: Project, job: TrainJob, data: SplitData, hooks: TrainHooks, backend: BackendName): Promise<Setup> {
  const tick = preparing(job, hooks, 'GAF images', recordingCount(data));
  const signals = {
    train: await studentSignals(project.db, data.splits.train.recordings, tick),
    val: await studentSignals(project.db, data.splits.val.recordings, tick),
    test: await studentSignals(project.db, data.splits.test.recordings, tick),
  };
  const images = { val: gafImagesOf(signals.val, job.student), test: gafImagesOf(signals.test, job.student) };
  const teacher = job.method !== 'baseline' ? await teacherOutputs(project, job, data, hooks) : null;
  const trainingData: StudentTrainingData = {
    classes: data.classes.length,
    signals: signals.train,
    images: gafImagesOf(signals.train, job.student),
    labels: data.splits.train.labels,
    teacher,
  };
  const kernels = nativeKernelsFor(backend);
  const threads = kernels ? useKernelThreads(kernels, job, hooks.log) : trainingThreads(job, backend, trainingData.labels.length, hooks.log);
  const shard = !kernels && threads > 1 ? TrainingPeers.shard(threads) : undefined;
  // made once the inputs are ready: a cancel while preparing leaves nothing to free
  let training = studentTraining(job, trainingData, shard);
  const { model } = training;
  await initialise(model, job, hooks.log);
  return {
    model,
    classes: data.classes,
    trainRows: data.splits.train.recordings.length,
    labels: data.splits.train.labels,
    extraVariables: training.extraVariables,
    threads,
    begin:
      shard &&
      (async (state) => {
        training = withPeers(training, await TrainingPeers.start(job, backend, shard, trainingData, state));
        hooks.log(`training on ${threads} threads, ${Math.ceil(job.batchSize / threads)} or fewer of each batch's rows on each`);
      }),
    startEpoch: (epoch) => training.startEpoch(epoch),
    forwardLoss: (rows) => training.forwardLoss(rows),
    reduceGradients: training.reduceGradients,
    explain: (err) => training.explain?.(err) ?? err,
    predict: async (split) =>
      data.splits[split].recordings.length ? predictStudent(model, images[split], data.splits[split].recordings.length, job.batchSize) : null,
    dispose: () => training.dispose(),
  };
}
