/**
 * Convolution gradient kernels: the wasm ones from main/train/kernels/wasmGradients.ts against the cpu
 * backend's (and the stock wasm Conv2DBackpropInput), on one full-width ResNet-style layer:
 * input [32, 16, 16, 128], filter 3×3×128×128, stride 1, 'same'. Single-threaded wasm (Node); the
 * cpu backend's full-size convolutions are timed on one sample and scaled by the batch.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// the stock wasm kernels, registered on import (one is timed below before ours replaces it)
import '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../main/train/backend.ts';
import { tensorTimesMs } from './tensorTimes.ts';

const X: [number, number, number, number] = [32, 16, 16, 128];
const FILTER: [number, number, number, number] = [3, 3, 128, 128];
const DEPTHWISE: [number, number, number, number] = [3, 3, 128, 1];
/** multiply-adds of the layer (each gradient costs as much as the forward pass) */
const FLOP = 2 * X[0] * X[1] * X[2] * FILTER[0] * FILTER[1] * FILTER[2] * FILTER[3];

/** Median milliseconds of `runs` calls after one warm-up call (none when runs is 1: cpu is slow). */
function medianMs(work: () => tf.Tensor, runs: number): number {
  const times = tensorTimesMs(work, runs, runs > 1);
  return times[Math.floor(times.length / 2)];
}

function kernel(name: string, inputs: Record<string, tf.Tensor>, attrs: object): () => tf.Tensor {
  return () => tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
}

function report(label: string, ms: number, flop = FLOP): number {
  console.log(`${label.padEnd(52)} ${ms.toFixed(0).padStart(8)} ms  ${(flop / ms / 1e6).toPrecision(3).padStart(7)} GFLOP/s`);
  return ms;
}

export default async function run(): Promise<void> {
  // The stock wasm Conv2DBackpropInput, kept for comparison before ours replaces it.
  const stockBackpropInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
  await selectBackend('wasm', () => {});
  const x = tf.randomNormal(X, 0, 1, 'float32', 1) as tf.Tensor4D;
  const dy = tf.randomNormal(X, 0, 1, 'float32', 2) as tf.Tensor4D;
  const filter = tf.randomNormal(FILTER, 0, 1, 'float32', 3) as tf.Tensor4D;
  const depthwise = tf.randomNormal(DEPTHWISE, 0, 1, 'float32', 4) as tf.Tensor4D;
  const convAttrs = { strides: 1, pad: 'same', dataFormat: 'NHWC' };
  const depthwiseAttrs = { strides: 1, pad: 'same', dilations: 1 };
  const depthwiseFlop = 2 * X[0] * X[1] * X[2] * X[3] * 9;
  console.log(`input ${X.join('×')}, filter ${FILTER.join('×')}, stride 1, same (${(FLOP / 1e9).toFixed(2)} GFLOP per pass)`);

  const wasmBackend = tf.backend();
  report(
    'wasm Conv2D (forward, XNNPACK)',
    medianMs(() => tf.conv2d(x, filter, 1, 'same'), 5),
  );
  const wasmFilterMs = report(
    'wasm Conv2DBackpropFilter (a matmul per tap)',
    medianMs(kernel('Conv2DBackpropFilter', { x, dy }, { ...convAttrs, filterShape: FILTER }), 5),
  );
  report('wasm Conv2DBackpropInput (flipped Conv2D)', medianMs(kernel('Conv2DBackpropInput', { dy, filter }, { ...convAttrs, inputShape: X }), 5));
  if (stockBackpropInput?.setupFunc) {
    stockBackpropInput.setupFunc(wasmBackend);
    const stock = () =>
      stockBackpropInput.kernelFunc({ inputs: { dy, filter }, attrs: { ...convAttrs, inputShape: X }, backend: wasmBackend }) as tf.TensorInfo;
    report(
      'wasm Conv2DBackpropInput (stock tfjs 4.22)',
      medianMs(() => tf.engine().makeTensorFromTensorInfo(stock()), 1),
    );
  }
  report(
    'wasm DepthwiseConv2dNativeBackpropFilter',
    medianMs(kernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...depthwiseAttrs, filterShape: DEPTHWISE }), 5),
    depthwiseFlop,
  );
  report(
    'wasm DepthwiseConv2dNativeBackpropInput',
    medianMs(kernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: depthwise }, { ...depthwiseAttrs, inputShape: X }), 5),
    depthwiseFlop,
  );

  // The stock cpu Conv2DBackpropFilter needs minutes at batch 32: time one sample, scale by the batch
  // (every kernel here is linear in the batch).
  await tf.setBackend('cpu');
  const one = (t: tf.Tensor4D) => tf.slice(t, [0, 0, 0, 0], [1, X[1], X[2], X[3]]);
  const [x1, dy1] = [one(x), one(dy)];
  const sample: [number, number, number, number] = [1, X[1], X[2], X[3]];
  const perBatch = (ms: number) => ms * X[0];
  report(`cpu Conv2D (forward, 1 sample × ${X[0]})`, perBatch(medianMs(() => tf.conv2d(x1, filter, 1, 'same'), 3)));
  const cpuFilterMs = report(
    `cpu Conv2DBackpropFilter (1 sample × ${X[0]})`,
    perBatch(medianMs(kernel('Conv2DBackpropFilter', { x: x1, dy: dy1 }, { ...convAttrs, filterShape: FILTER }), 1)),
  );
  report(
    `cpu Conv2DBackpropInput (1 sample × ${X[0]})`,
    perBatch(medianMs(kernel('Conv2DBackpropInput', { dy: dy1, filter }, { ...convAttrs, inputShape: sample }), 3)),
  );
  report(
    'cpu DepthwiseConv2dNativeBackpropFilter',
    medianMs(kernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...depthwiseAttrs, filterShape: DEPTHWISE }), 3),
    depthwiseFlop,
  );
  report(
    'cpu DepthwiseConv2dNativeBackpropInput',
    medianMs(kernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: depthwise }, { ...depthwiseAttrs, inputShape: X }), 3),
    depthwiseFlop,
  );
  console.log(`Conv2DBackpropFilter: wasm ${(cpuFilterMs / wasmFilterMs).toFixed(0)}× faster than the cpu backend`);
  tf.dispose([x, dy, filter, depthwise, x1, dy1]);
}
