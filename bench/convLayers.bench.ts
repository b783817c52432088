/**
 * The convolution kernels of one student training step, layer by layer: every convolution of the
 * ResNet18 student (×0.25, small stem, 64×64, batch 32 unless the environment chooses: the case
 * `npm run bench -- models` profiles),
 * its forward Conv2D and both gradients (ours: main/train/kernels/wasmGradients.ts) on wasm, one thread.
 * The fastest of 5 calls after a warm-up (the machine is shared: the least disturbed call); a step runs each shape as many times as the model has it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../main/train/backend.ts';
import { tensorTimesMs } from './tensorTimes.ts';

/** VSKD_BENCH_BATCH and VSKD_BENCH_SIZE choose another case (a small batch shows each call's fixed cost) */
const BATCH = Number(process.env.VSKD_BENCH_BATCH ?? 32);
const INPUT_SIZE = Number(process.env.VSKD_BENCH_SIZE ?? 64);
const WIDTHS = [16, 32, 64, 128];

interface Layer {
  /** input side */
  size: number;
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number;
  /** how many convolutions of this shape the student has */
  count: number;
}

/** The student's convolutions (trunk.ts's blockSpecs for ResNet18: two blocks a stage), grouped by shape. */
function studentLayers(inputSize: number): Layer[] {
  const layers: Layer[] = [{ size: inputSize, inChannels: 3, outChannels: WIDTHS[0], kernel: 3, stride: 1, count: 1 }];
  let size = inputSize;
  let channels = WIDTHS[0];
  for (const [stage, width] of WIDTHS.entries()) {
    if (stage === 0) {
      layers.push({ size, inChannels: width, outChannels: width, kernel: 3, stride: 1, count: 4 });
      continue;
    }
    layers.push({ size, inChannels: channels, outChannels: width, kernel: 3, stride: 2, count: 1 });
    layers.push({ size, inChannels: channels, outChannels: width, kernel: 1, stride: 2, count: 1 });
    size /= 2;
    channels = width;
    layers.push({ size, inChannels: width, outChannels: width, kernel: 3, stride: 1, count: 3 });
  }
  return layers;
}

function fastestMs(work: () => tf.Tensor, runs = 5): number {
  return tensorTimesMs(work, runs)[0];
}

export default async function run(): Promise<void> {
  await selectBackend('wasm', () => {});
  const totals = { forward: 0, filter: 0, input: 0 };
  console.log('layer (input side, in→out channels, kernel/stride) × count: ms per call (GFLOP/s) forward | filter gradient | input gradient');
  for (const layer of studentLayers(INPUT_SIZE)) {
    const { size, inChannels, outChannels, kernel, stride, count } = layer;
    const pad = Math.floor(kernel / 2);
    const out = Math.floor((size + 2 * pad - kernel) / stride) + 1;
    const x = tf.randomNormal([BATCH, size, size, inChannels], 0, 1, 'float32', 1) as tf.Tensor4D;
    const filter = tf.randomNormal([kernel, kernel, inChannels, outChannels], 0, 1, 'float32', 2) as tf.Tensor4D;
    const dy = tf.randomNormal([BATCH, out, out, outChannels], 0, 1, 'float32', 3) as tf.Tensor4D;
    const attrs = { strides: stride, pad, dataFormat: 'NHWC' };
    const flop = 2 * BATCH * out * out * kernel * kernel * inChannels * outChannels;
    const forward = fastestMs(() => tf.conv2d(x, filter, stride, pad));
    const filterGrad = fastestMs(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: filter.shape }) as tf.Tensor);
    const inputGrad = fastestMs(() => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: x.shape }) as tf.Tensor);
    const cell = (ms: number) => `${ms.toFixed(1).padStart(6)} ms (${(flop / ms / 1e6).toFixed(1).padStart(4)})`;
    console.log(
      `${`${size}², ${inChannels}→${outChannels}, ${kernel}×${kernel}/${stride} × ${count}`.padEnd(26)} ${cell(forward)} | ${cell(filterGrad)} | ${cell(inputGrad)}`,
    );
    totals.forward += count * forward;
    totals.filter += count * filterGrad;
    totals.input += count * inputGrad;
    tf.dispose([x, filter, dy]);
  }
  console.log(
    `one step's convolutions: forward ${totals.forward.toFixed(0)} ms, filter gradients ${totals.filter.toFixed(0)} ms, input gradients ${totals.input.toFixed(0)} ms`,
  );
}
