/**
 * Model throughput: the studio's training step (forward, cross-entropy, backward, L2 weight decay and
 * Adam: step.ts's trainStep) for the ResNet18 student (small stem, 27 classes), on one thread and with
 * each batch split over this machine's cores (trainingPeers.ts), and the depth-frame teacher (8 frames
 * of 112², batch 8), beside the same step in PyTorch on one thread
 * (bench/reference/step.py) where python3 has torch; then a per-kernel profile of one student step and
 * the memory the full-width student takes at 64², batch 32, against the wasm heap's limit.
 *
 * Backends: wasm when it initialises, with the native kernels where they are built (oneDNN's
 * convolutions and BatchNorm's passes, main/train/kernels/nativeKernels.ts: also timed on this machine's
 * cores, inside each kernel) and else our convolution gradients (main/train/kernels/wasmGradients.ts);
 * and cpu, whose Conv2DBackpropFilter is a scalar loop: there only the convolution-free cases are timed,
 * and the rest are estimated from the measured cost per multiply-accumulate of one convolution layer
 * (and printed as estimates).
 */
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../main/train/backend.ts';
import { failureReason } from '../main/train/backendsAvailable.ts';
import { FusedAdam } from '../main/train/fusedAdam.ts';
import { crossEntropy as studioCrossEntropy } from '../main/train/losses/crossEntropy.ts';
import { resnetMacs, ResNet18 } from '../main/train/models/resnet.ts';
import { resolveTeacherConfig, Teacher, type TeacherConfig } from '../main/train/models/teacher.ts';
import { trunkMacs } from '../main/train/models/trunk.ts';
import { defaultJob, detachedStudentJob } from '../main/train/runs.ts';
import { loadNativeKernels } from '../main/train/kernels/nativeKernels.ts';
import { makeOptimiser } from '../main/train/schedule.ts';
import { trainStep } from '../main/train/step.ts';
import { threadedStudentTraining } from '../main/train/trainingPeers.ts';
import { referenceSamplesPerSecond } from './reference/pytorch.ts';

const CLASSES = 27;
const SEGMENTS = 8;
const STUDENT_BATCH = 32;
const TEACHER_BATCH = 8;
const POSE: TeacherConfig = { classes: CLASSES, inputs: ['pose'] };
const FRAMES: TeacherConfig = { classes: CLASSES, inputs: ['frames'] };

/** Activates wasm with our gradient kernels; returns why not when it cannot. */
async function prepareWasm(): Promise<string | null> {
  try {
    await selectBackend('wasm', () => {});
    return null;
  } catch (err) {
    return failureReason(err);
  }
}

/**
 * Steps per second over `steps` timed steps, after one warm-up step unless the step is long enough
 * for set-up costs not to matter; the result is read back to wait for the work.
 */
function stepsPerSecond(step: () => tf.Tensor, steps: number, warmUp = true): number {
  const run = () => tf.tidy(() => step().dataSync());
  if (warmUp) run();
  const start = performance.now();
  for (let k = 0; k < steps; k++) run();
  return steps / ((performance.now() - start) / 1000);
}

function crossEntropy(logits: tf.Tensor2D): tf.Scalar {
  const labels = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: logits.shape[0] }, (_, k) => k % CLASSES),
      'int32',
    ),
    CLASSES,
  );
  return tf.mean(tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), 1))) as tf.Scalar;
}

/** `batch` null: an estimate, for no batch in particular */
function line(backend: string, what: string, batch: number | null, figure: string): void {
  console.log(`${backend.padEnd(4)} ${what.padEnd(58)} ${batch === null ? '        ' : `batch ${String(batch).padStart(2)}`}  ${figure}`);
}

function studentLabel(model: ResNet18): string {
  return `student ResNet18 ×${model.config.width} 64×64 (${(model.parameterCount() / 1e6).toFixed(2)} M params)`;
}

function teacherInputs(config: TeacherConfig, batch: number) {
  return {
    ...(config.inputs.includes('frames') && { frames: tf.randomNormal([batch, SEGMENTS, 112, 112, 1], 0, 1, 'float32', 2) as tf.Tensor5D }),
    ...(config.inputs.includes('pose') && { pose: tf.randomNormal([batch, SEGMENTS, 20, 3], 0, 1, 'float32', 3) as tf.Tensor4D }),
  };
}

/** Cases the studio and PyTorch both time: the student as the issue's table has it, and the depth-frame teacher. */
const STUDENT_CASES = [
  { width: 0.25, size: 32, batch: 16, steps: 5 },
  { width: 0.25, size: 32, batch: 32, steps: 3 },
  { width: 0.25, size: 64, batch: 16, steps: 2 },
  { width: 0.25, size: 64, batch: 32, steps: 2 },
  { width: 1, size: 64, batch: 32, steps: 1 },
] as const;
/** full width: one step, with its memory against the wasm heap */
const FULL_WIDTH = { width: 1, size: 64, batch: 32 } as const;
/** tfjs-backend-wasm 4.22's emscripten build: getHeapMax() (4 GiB less one 64 KiB page) */
const WASM_HEAP_MAX = 4294901760;
const WEIGHT_DECAY = 1e-5;

/** One studio training step (step.ts's trainStep), its loss read back; what `step` allocates and keeps is freed. */
function studioStep(model: ResNet18 | Teacher, inputs: () => tf.Tensor2D, labels: tf.Tensor1D, optimiser: tf.Optimizer): () => void {
  return () => {
    const { value, outputs } = trainStep(
      () => {
        const logits = inputs();
        return { total: studioCrossEntropy(labels, logits), terms: {}, logits };
      },
      model.trainableVariables,
      optimiser,
      WEIGHT_DECAY,
    );
    value.dataSync();
    tf.dispose([value, outputs.logits]);
  };
}

/** Samples/s over `steps` timed steps after one warm-up step (the optimiser's state, first-call costs). */
function samplesPerSecond(step: () => void, steps: number, batch: number, warmUp = true): number {
  if (warmUp) step();
  const start = performance.now();
  for (let k = 0; k < steps; k++) step();
  return (steps * batch) / ((performance.now() - start) / 1000);
}

function ratioLine(backend: string, what: string, batch: number, studio: number, torch: number | string): void {
  const beside = typeof torch === 'string' ? `PyTorch: ${torch}` : `PyTorch 1 thread ${torch.toFixed(2)}, ratio ${(studio / torch).toFixed(2)}×`;
  line(backend, what, batch, `${studio.toFixed(2)} samples/s training; ${beside}`);
}

const labelsOf = (batch: number) =>
  tf.tensor1d(
    Array.from({ length: batch }, (_, k) => k % CLASSES),
    'int32',
  );

/** the threads of the data-parallel lines: this machine's cores, as `--threads auto` takes them (up to 4) */
const THREADS = Math.max(2, Math.min(availableParallelism(), 4));

/**
 * Samples/s of the trainer's own student step (studentTraining.ts: the resident set, cross-entropy,
 * weight decay, Adam) with each batch split over `threads` threads, after one warm-up step.
 */
async function threadedSamplesPerSecond(width: number, size: number, batch: number, steps: number, threads: number): Promise<number> {
  const job = detachedStudentJob({
    batchSize: batch,
    threads,
    optimiser: { ...defaultJob.optimiser, weightDecay: WEIGHT_DECAY },
    student: { ...defaultJob.student, width, gafSize: size },
  });
  const labels = Int32Array.from({ length: batch }, (_, k) => k % CLASSES);
  const images = (await tf.randomNormal([batch, size, size, 3], 0, 1, 'float32', 1).data()) as Float32Array<ArrayBuffer>;
  const training = await threadedStudentTraining(job, 'wasm', { classes: CLASSES, signals: [], images, labels, teacher: null }, threads);
  const optimiser = makeOptimiser(job.optimiser);
  const rows = Array.from({ length: batch }, (_, k) => k);
  try {
    return samplesPerSecond(
      () => {
        const { value, outputs } = trainStep(
          () => training.forwardLoss(rows),
          training.model.trainableVariables,
          optimiser,
          WEIGHT_DECAY,
          training.reduceGradients,
        );
        value.dataSync();
        tf.dispose([value, outputs.logits, ...Object.values(outputs.terms)]);
      },
      steps,
      batch,
    );
  } finally {
    optimiser.dispose();
    training.dispose();
  }
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** Per kernel kind: time (ms), calls and bytes allocated, largest time first; the top `rows` printed. */
function printProfile(profile: Awaited<ReturnType<typeof tf.profile>>, rows: number): void {
  const kinds = new Map<string, { ms: number; calls: number; bytes: number }>();
  for (const k of profile.kernels) {
    const kind = kinds.get(k.name) ?? { ms: 0, calls: 0, bytes: 0 };
    kind.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    kind.calls++;
    kind.bytes += Math.max(0, k.bytesAdded);
    kinds.set(k.name, kind);
  }
  const total = [...kinds.values()].reduce((sum, k) => sum + k.ms, 0);
  const sorted = [...kinds.entries()].sort((a, b) => b[1].ms - a[1].ms);
  for (const [name, k] of sorted.slice(0, rows)) {
    console.log(
      `       ${name.padEnd(28)} ${k.ms.toFixed(0).padStart(7)} ms ${((100 * k.ms) / total).toFixed(1).padStart(5)}%  ${String(k.calls).padStart(4)} calls  ${mib(k.bytes).padStart(9)} allocated`,
    );
  }
  const rest = sorted.slice(rows).reduce((sum, [, k]) => sum + k.ms, 0);
  console.log(
    `       ${'(the other kinds)'.padEnd(28)} ${rest.toFixed(0).padStart(7)} ms;  all kernels ${total.toFixed(0)} ms, ${profile.kernels.length} calls`,
  );
}

/** what the wasm heap has grown to: its high-water mark (it never shrinks) */
function wasmHeapBytes(): number {
  // the emscripten module's heap view (its type is not in the package's declarations)
  return (Reflect.get((tf.backend() as BackendWasm).wasm, 'HEAPU8') as Uint8Array).length;
}

/**
 * One step of the student, cold: samples/s, the memory its forward pass holds for the backward pass and
 * the wasm heap it needed; `profile`: with the time, calls and allocations of each kernel kind (not for
 * a step that may overflow the heap: an abort inside tf.profile leaves a rejection nobody can catch).
 */
async function oneStudentStep(width: number, size: number, batch: number, profile: boolean): Promise<void> {
  const model = new ResNet18({ classes: CLASSES, inputSize: size, width });
  const x = tf.randomNormal([batch, size, size, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const labels = labelsOf(batch);
  const optimiser = new FusedAdam(1e-3);
  const before = tf.memory().numBytes;
  let saved = 0;
  const step = studioStep(
    model,
    () => {
      const logits = model.forward(x, { training: true }).logits;
      // everything the forward pass made is still held here: what the backward pass reads
      saved = tf.memory().numBytes - before;
      return logits;
    },
    labels,
    optimiser,
  );
  const what = `student ResNet18 ×${width} ${size}×${size} (${(model.parameterCount() / 1e6).toFixed(2)} M params)${profile ? ', profiled' : ''}`;
  try {
    const start = performance.now();
    const info = profile ? await tf.profile(step) : (step(), null);
    line('wasm', what, batch, `${((batch * 1000) / (performance.now() - start)).toFixed(2)} samples/s training (one step, cold)`);
    console.log(
      `       memory: tensors of ${mib(saved)} held after the forward pass (the activations the backward pass reads)` +
        (info ? `, peak ${mib(info.peakBytes - before)} in the step (the engine's count: a buffer shared by n tensors counts n times)` : '') +
        `; wasm heap ${mib(wasmHeapBytes())} (its high-water mark) of at most ${mib(WASM_HEAP_MAX)}: fits`,
    );
    if (info) printProfile(info, 14);
  } catch (err) {
    const reached = saved > 0 ? `the forward pass held ${mib(saved)}, ` : 'in the forward pass, ';
    line('wasm', what, batch, `does not fit: ${failureReason(err)} (${reached}wasm heap at ${mib(wasmHeapBytes())} of at most ${mib(WASM_HEAP_MAX)})`);
  } finally {
    tf.dispose([x, labels]);
    optimiser.dispose();
    model.dispose();
  }
}

/** Samples/s of the student's step on this thread (the native kernels, where built, on `nativeThreads`). */
function studentSamplesPerSecond(model: ResNet18, size: number, batch: number, steps: number, nativeThreads: number): number {
  const native = loadNativeKernels().addon;
  native?.setThreads(nativeThreads);
  const x = tf.randomNormal([batch, size, size, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const labels = labelsOf(batch);
  const optimiser = new FusedAdam(1e-3);
  try {
    return samplesPerSecond(
      studioStep(model, () => model.forward(x, { training: true }).logits, labels, optimiser),
      steps,
      batch,
    );
  } finally {
    native?.setThreads(1);
    tf.dispose([x, labels]);
    optimiser.dispose();
  }
}

async function benchWasm(): Promise<void> {
  const native = loadNativeKernels();
  console.log(native.addon ? `native kernels: ${native.version} (nativeKernels.ts)` : `native kernels: none (${native.reason}): XNNPACK and wasmGradients.ts`);
  for (const { width, size, batch, steps } of STUDENT_CASES) {
    const model = new ResNet18({ classes: CLASSES, inputSize: size, width });
    const rate = studentSamplesPerSecond(model, size, batch, steps, 1);
    const nativeThreaded = native.addon ? studentSamplesPerSecond(model, size, batch, steps, THREADS) : null;
    const what = `student ResNet18 ×${width} ${size}×${size} (${(model.parameterCount() / 1e6).toFixed(2)} M params)`;
    model.dispose();
    const threaded = await threadedSamplesPerSecond(width, size, batch, steps, THREADS);
    const torch = referenceSamplesPerSecond({ model: 'student', width, size, batch, steps: Math.max(3, steps) });
    ratioLine('wasm', what, batch, rate, torch);
    if (nativeThreaded !== null) ratioLine('wasm', `  the same, native kernels on ${THREADS} threads`, batch, nativeThreaded, torch);
    ratioLine('wasm', `  the same on ${THREADS} threads (trainingPeers.ts)`, batch, threaded, torch);
  }
  {
    const model = new Teacher(FRAMES);
    const inputs = teacherInputs(FRAMES, TEACHER_BATCH);
    const labels = labelsOf(TEACHER_BATCH);
    const optimiser = new FusedAdam(1e-3);
    const step = studioStep(model, () => model.forward(inputs, { training: true }).logits, labels, optimiser);
    const rate = samplesPerSecond(step, 2, TEACHER_BATCH);
    native.addon?.setThreads(THREADS);
    const nativeThreaded = native.addon ? samplesPerSecond(step, 2, TEACHER_BATCH) : null;
    native.addon?.setThreads(1);
    const what = `teacher depth frames 8×112², CNN 16…128 (${(model.parameterCount() / 1e6).toFixed(2)} M params)`;
    const torch = referenceSamplesPerSecond({ model: 'teacher', batch: TEACHER_BATCH, steps: 2 });
    ratioLine('wasm', what, TEACHER_BATCH, rate, torch);
    if (nativeThreaded !== null) ratioLine('wasm', `  the same, native kernels on ${THREADS} threads`, TEACHER_BATCH, nativeThreaded, torch);
    tf.dispose([...Object.values(inputs), labels]);
    optimiser.dispose();
    model.dispose();
  }
  {
    const model = new Teacher(POSE);
    const inputs = teacherInputs(POSE, TEACHER_BATCH);
    const infer = stepsPerSecond(() => model.forward(inputs, { training: false }).logits, 5);
    line(
      'wasm',
      `teacher pose, 20 joints (${(model.parameterCount() / 1e6).toFixed(2)} M params)`,
      TEACHER_BATCH,
      `${(infer * TEACHER_BATCH).toFixed(1)} clips/s inference`,
    );
    tf.dispose(Object.values(inputs));
    model.dispose();
  }
  console.log('per-kernel profile of one step (time per kernel kind; composed kernels include their parts):');
  await oneStudentStep(0.25, 64, STUDENT_BATCH, true);
  // last: a wasm abort (out of memory) leaves the backend unusable
  await oneStudentStep(FULL_WIDTH.width, FULL_WIDTH.size, FULL_WIDTH.batch, false);
}

/** Nanoseconds per multiply-accumulate of the cpu Conv2D and Conv2DBackpropFilter on one 3×3 layer. */
function cpuConvCost(): { forward: number; filterGradient: number } {
  const shape: [number, number, number, number] = [1, 32, 32, 16];
  const macs = 32 * 32 * 9 * 16 * 16;
  const x = tf.randomNormal(shape, 0, 1, 'float32', 4) as tf.Tensor4D;
  const filter = tf.randomNormal([3, 3, 16, 16], 0, 1, 'float32', 5) as tf.Tensor4D;
  const time = (work: () => tf.Tensor) => 1e9 / stepsPerSecond(work, 1) / macs;
  const forward = time(() => tf.conv2d(x, filter, 1, 1));
  const attrs = { strides: 1, pad: 1, dataFormat: 'NHWC', filterShape: [3, 3, 16, 16] };
  const filterGradient = time(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: x }, attrs) as tf.Tensor);
  tf.dispose([x, filter]);
  return { forward, filterGradient };
}

function benchCpu(): void {
  const cost = cpuConvCost();
  console.log(
    `cpu  Conv2D ${cost.forward.toFixed(0)} ns, Conv2DBackpropFilter ${cost.filterGradient.toFixed(0)} ns per multiply-accumulate (3×3, 16→16, 32×32)`,
  );
  // a training step costs the forward convolutions three times: forward, input gradient, filter gradient
  const estimate = (macs: number) => `≈ ${(1e9 / (macs * (2 * cost.forward + cost.filterGradient))).toFixed(3)} (estimated)`;
  for (const width of [0.25, 1]) {
    const model = new ResNet18({ classes: CLASSES, inputSize: 64, width });
    line('cpu', studentLabel(model), null, `${estimate(resnetMacs(model.config))} samples/s training`);
    model.dispose();
  }
  const model = new Teacher(POSE);
  const inputs = teacherInputs(POSE, TEACHER_BATCH);
  const train = stepsPerSecond(() => tf.variableGrads(() => crossEntropy(model.forward(inputs, { training: true }).logits), model.trainableVariables).value, 3);
  const infer = stepsPerSecond(() => model.forward(inputs, { training: false }).logits, 3);
  const what = `teacher pose, 20 joints (${(model.parameterCount() / 1e6).toFixed(2)} M params)`;
  line('cpu', what, TEACHER_BATCH, `${(train * TEACHER_BATCH).toFixed(1)} clips/s training, ${(infer * TEACHER_BATCH).toFixed(1)} clips/s inference`);
  tf.dispose(Object.values(inputs));
  model.dispose();
  const frames = resolveTeacherConfig(FRAMES).frames!;
  const frameMacs = SEGMENTS * trunkMacs({ ...frames, inChannels: frames.channels }, frames.size);
  line('cpu', 'teacher depth frames 112×112, CNN 16…128', null, `${estimate(frameMacs)} clips/s training`);
}

export default async function benchModels(): Promise<void> {
  await tf.setBackend('cpu');
  benchCpu();
  const why = await prepareWasm();
  if (why) console.log(why);
  else await benchWasm();
}
