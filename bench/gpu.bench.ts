/**
 * The webgpu backend (issue 7): training throughput of the full DASK step of the student
 * (ResNet18 at full and ×0.25 width, 3×64×64 GAF images, batch 32: forward, the five loss terms
 * against fixed teacher outputs, backward, Adam) and of the teacher (8 depth frames of 112×112 or
 * 8 poses per clip, batch 8), then a profile of one full-width student step: GPU time per kernel
 * (timestamp queries), kernels per step, GPU→CPU reads inside the step, shader pipelines compiled
 * and GPU memory allocated after warm-up.
 *
 * Skipped without a hardware adapter. VSKD_BENCH_SOFTWARE_GPU=1 runs it on a software adapter
 * (SwiftShader) in a tiny configuration, to check the bench itself: its figures mean nothing.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { BACKEND_CANDIDATES, failureReason } from '../main/train/backendsAvailable.ts';
import { distillationLoss } from '../main/train/losses/registry.ts';
import { createProjection } from '../main/train/losses/semantic.ts';
import { defaultJob } from '../main/train/runs.ts';
import { makeOptimiser } from '../main/train/schedule.ts';
import { ResNet18 } from '../main/train/models/resnet.ts';
import { Teacher, type TeacherConfig } from '../main/train/models/teacher.ts';

const CLASSES = 27;
const TEACHER_FEATURE = 256;

interface Sizes {
  image: number;
  studentBatch: number;
  widths: number[];
  frame: number;
  teacherBatch: number;
  seconds: number;
}
const FULL: Sizes = { image: 64, studentBatch: 32, widths: [1, 0.25], frame: 112, teacherBatch: 8, seconds: 5 };
const SMOKE: Sizes = { image: 16, studentBatch: 4, widths: [0.125], frame: 16, teacherBatch: 2, seconds: 0 };

/** The active backend, as tfjs-backend-webgpu's class (the webgpu candidate's activation loaded the package). */
async function activeWebgpuBackend(): Promise<WebGPUBackend> {
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  const backend = tf.backend();
  if (!(backend instanceof WebGPUBackend)) throw new Error(`the active backend is ${tf.getBackend()}, not webgpu`);
  return backend;
}

/** Shader pipelines compiled so far (the cache is private in the package's types, not at run time). */
function pipelineCount(backend: WebGPUBackend): number {
  return Object.keys(backend['pipelineCache']).length;
}

type Step = () => tf.Scalar;

/** One optimiser step of `loss` over `variables`; returns the loss (kept). */
function trainingStep(loss: Step, variables: tf.Variable[], optimiser: tf.Optimizer): tf.Scalar {
  const { value, grads } = tf.variableGrads(loss, variables);
  optimiser.applyGradients(grads);
  tf.dispose(grads);
  return value;
}

/**
 * Steps per second: two warm-up steps (shader compilation), then steps until `seconds` have passed
 * (at least 3), reading only the last loss, as the trainer reads one step behind.
 */
async function stepsPerSecond(step: () => tf.Scalar, seconds: number): Promise<number> {
  for (let k = 0; k < 2; k++) {
    const v = step();
    await v.data();
    v.dispose();
  }
  const start = performance.now();
  let steps = 0;
  let last: tf.Scalar | null = null;
  while (steps < 3 || performance.now() - start < seconds * 1000) {
    last?.dispose();
    last = step();
    steps++;
    if (steps % 8 === 0) await last.data(); // keep the queue from growing without bound
  }
  await last!.data();
  last!.dispose();
  return steps / ((performance.now() - start) / 1000);
}

/** The student's DASK step with random images, labels and teacher outputs (paired rows). */
function studentDaskStep(width: number, sizes: Sizes): { step: () => tf.Scalar; model: ResNet18; dispose(): void } {
  const model = new ResNet18({ classes: CLASSES, inputSize: sizes.image, width, seed: 1 });
  const n = sizes.studentBatch;
  const images = tf.randomNormal([n, sizes.image, sizes.image, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
  const labels = tf.tensor1d(
    Array.from({ length: n }, (_, k) => k % CLASSES),
    'int32',
  );
  const teacherLogits = tf.randomNormal([n, CLASSES], 0, 3, 'float32', 3);
  const teacherFeat = tf.randomNormal([n, TEACHER_FEATURE], 0, 1, 'float32', 4);
  const projection = createProjection(model.featureSize, TEACHER_FEATURE, 5);
  const loss = distillationLoss('dask', { projection });
  const optimiser = makeOptimiser(defaultJob.optimiser);
  const variables = [...model.trainableVariables, projection.kernel, projection.bias];
  const step = () =>
    trainingStep(
      () => {
        const out = model.forward(images, { training: true });
        return loss({
          labels,
          studentLogits: out.logits,
          teacherLogits,
          studentEmb: out.feature,
          teacherEmb: teacherFeat,
          studentFeat: out.feature,
          teacherFeat,
        }).total;
      },
      variables,
      optimiser,
    );
  return {
    step,
    model,
    dispose: () => (tf.dispose([images, labels, teacherLogits, teacherFeat, projection.kernel, projection.bias]), optimiser.dispose(), model.dispose()),
  };
}

function teacherStep(config: TeacherConfig, sizes: Sizes): { step: () => tf.Scalar; dispose(): void } {
  const model = new Teacher({ ...config, seed: 1 });
  const n = sizes.teacherBatch;
  const inputs = {
    ...(config.inputs.includes('frames') && { frames: tf.randomNormal([n, 8, sizes.frame, sizes.frame, 1], 0, 1, 'float32', 6) as tf.Tensor5D }),
    ...(config.inputs.includes('pose') && { pose: tf.randomNormal([n, 8, 20, 3], 0, 1, 'float32', 7) as tf.Tensor4D }),
  };
  const labels = tf.tensor1d(
    Array.from({ length: n }, (_, k) => k % CLASSES),
    'int32',
  );
  const loss = distillationLoss('baseline');
  const optimiser = makeOptimiser(defaultJob.optimiser);
  const step = () =>
    trainingStep(
      () => {
        const { logits } = model.forward(inputs, { training: true });
        return loss({ labels, studentLogits: logits, teacherLogits: logits }).total;
      },
      model.trainableVariables,
      optimiser,
    );
  return { step, dispose: () => (tf.dispose([...Object.values(inputs), labels]), optimiser.dispose(), model.dispose()) };
}

/** Counts the backend's reads of GPU data back to the CPU while `work` runs. */
async function countingReads<T>(backend: WebGPUBackend, work: () => Promise<T>): Promise<{ result: T; reads: number }> {
  const { read, readSync } = backend;
  let reads = 0;
  const count = (dataId: object) => {
    // small tensors made on the CPU keep their values there until a kernel needs them on the GPU
    if (backend.tensorMap.get(dataId)?.values == null) reads++;
  };
  backend.read = (dataId) => (count(dataId), read.call(backend, dataId));
  backend.readSync = (dataId) => (count(dataId), readSync.call(backend, dataId));
  try {
    return { result: await work(), reads };
  } finally {
    backend.read = read;
    backend.readSync = readSync;
  }
}

async function profileStep(step: () => tf.Scalar, label: string): Promise<void> {
  const backend = await activeWebgpuBackend();
  const pipelinesBefore = pipelineCount(backend);
  const bytesBefore = backend.bufferManager.numBytesAllocated;
  const start = performance.now();
  const { result: info, reads } = await countingReads(backend, () =>
    tf.profile(async () => {
      const v = step();
      await v.data();
      v.dispose();
    }),
  );
  const wall = performance.now() - start;
  const perKernel = new Map<string, { count: number; ms: number }>();
  let gpuMs = 0;
  for (const kernel of info.kernels) {
    const ms = Number(await kernel.kernelTimeMs) || 0;
    const entry = perKernel.get(kernel.name) ?? { count: 0, ms: 0 };
    perKernel.set(kernel.name, { count: entry.count + 1, ms: entry.ms + ms });
    gpuMs += ms;
  }
  const pipelines = pipelineCount(backend) - pipelinesBefore;
  const bytes = backend.bufferManager.numBytesAllocated - bytesBefore;
  console.log(`profile of one ${label} step (under tf.profile, which waits for each kernel: slower than the figures above):`);
  console.log(
    `  ${info.kernels.length} kernels, GPU time ${gpuMs.toFixed(1)} ms of ${wall.toFixed(1)} ms wall; ${reads} reads back to the CPU (1 = the loss); ${pipelines} pipelines compiled; ${(bytes / 2 ** 20).toFixed(1)} MiB newly allocated`,
  );
  const top = [...perKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
  for (const [name, { count, ms }] of top)
    console.log(
      `  ${name.padEnd(28)} ×${String(count).padStart(4)}  ${ms.toFixed(2).padStart(9)} ms  ${((100 * ms) / Math.max(gpuMs, 1e-9)).toFixed(1).padStart(5)}%`,
    );
}

export default async function benchGpu(): Promise<void> {
  const software = process.env.VSKD_BENCH_SOFTWARE_GPU === '1';
  const webgpu = BACKEND_CANDIDATES.find((c) => c.backend === 'webgpu')!;
  let detail: string;
  try {
    detail = await webgpu.activate({ software });
  } catch (err) {
    console.log(`webgpu unavailable: ${failureReason(err)}`);
    return;
  }
  const sizes = software ? SMOKE : FULL;
  console.log(`webgpu on ${detail}${software ? ' — software adapter, tiny smoke configuration: the figures mean nothing' : ''}`);
  for (const width of sizes.widths) {
    const student = studentDaskStep(width, sizes);
    const rate = await stepsPerSecond(student.step, sizes.seconds);
    const params = (student.model.parameterCount() / 1e6).toFixed(2);
    console.log(
      `webgpu student ResNet18 ×${width} ${sizes.image}×${sizes.image} (${params} M params), DASK step, batch ${sizes.studentBatch}: ${(rate * sizes.studentBatch).toFixed(1)} samples/s`,
    );
    if (width === sizes.widths[0]) await profileStep(student.step, `student ×${width} DASK`);
    student.dispose();
  }
  for (const [label, config] of [
    [`8 depth frames of ${sizes.frame}×${sizes.frame}, CNN 16…128`, { classes: CLASSES, inputs: ['frames'], frames: { size: sizes.frame } }],
    ['8 poses of 20 joints', { classes: CLASSES, inputs: ['pose'] }],
  ] as [string, TeacherConfig][]) {
    const teacher = teacherStep(config, sizes);
    const rate = await stepsPerSecond(teacher.step, sizes.seconds);
    console.log(`webgpu teacher ${label}, batch ${sizes.teacherBatch}: ${(rate * sizes.teacherBatch).toFixed(1)} clips/s training`);
    teacher.dispose();
  }
}
