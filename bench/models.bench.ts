/**
 * Model throughput: training steps (forward + backward: gradients of a cross-entropy for every
 * trainable variable) and inference, for the ResNet18 student (64×64 GAF images, 27 classes, batch 32)
 * and the TRN teacher (8 segments, batch 8; pose only, and 112×112 depth frames through its small CNN).
 * A few steps each (one for the slow cases), to stay near a minute on a small machine.
 *
 * Backends: wasm when it initialises, with our convolution gradients (main/train/kernels/wasmGradients.ts);
 * and cpu, whose Conv2DBackpropFilter is a scalar loop: there only the convolution-free cases are timed,
 * and the rest are estimated from the measured cost per multiply-accumulate of one convolution layer
 * (and printed as estimates).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from '../main/train/backend.ts';
import { failureReason } from '../main/train/backendsAvailable.ts';
import { resnetMacs, ResNet18 } from '../main/train/models/resnet.ts';
import { resolveTeacherConfig, Teacher, type TeacherConfig } from '../main/train/models/teacher.ts';
import { trunkMacs } from '../main/train/models/trunk.ts';

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

function benchWasm(): void {
  // full width at batch 32 overflows the 32-bit wasm heap (about 2 GB of saved activations)
  for (const [width, batch, warmUp] of [
    [0.25, STUDENT_BATCH, true],
    [1, 8, false],
  ] as const) {
    const model = new ResNet18({ classes: CLASSES, inputSize: 64, width });
    const x = tf.randomNormal([batch, 64, 64, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const rate = stepsPerSecond(
      () => tf.variableGrads(() => crossEntropy(model.forward(x, { training: true }).logits), model.trainableVariables).value,
      1,
      warmUp,
    );
    line('wasm', studentLabel(model), batch, `${(rate * batch).toFixed(2)} samples/s training`);
    x.dispose();
    model.dispose();
  }
  for (const [label, config, steps, warmUp] of [
    ['pose, 20 joints', POSE, 5, true],
    ['depth frames 112×112, CNN 16…128', FRAMES, 1, false],
  ] as const) {
    const model = new Teacher(config);
    const inputs = teacherInputs(config, TEACHER_BATCH);
    const train = stepsPerSecond(
      () => tf.variableGrads(() => crossEntropy(model.forward(inputs, { training: true }).logits), model.trainableVariables).value,
      steps,
      warmUp,
    );
    const infer = stepsPerSecond(() => model.forward(inputs, { training: false }).logits, steps, warmUp);
    const what = `teacher ${label} (${(model.parameterCount() / 1e6).toFixed(2)} M params)`;
    line('wasm', what, TEACHER_BATCH, `${(train * TEACHER_BATCH).toFixed(2)} clips/s training, ${(infer * TEACHER_BATCH).toFixed(1)} clips/s inference`);
    tf.dispose(Object.values(inputs));
    model.dispose();
  }
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
  else benchWasm();
}
