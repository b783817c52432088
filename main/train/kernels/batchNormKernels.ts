/**
 * BatchNorm's training passes as kernels of their own, which a backend may have (wasm with the native
 * addon: wasmNative.ts): one pass over memory each, where the element-wise ops they stand for take four
 * to six. layers.ts runs them where the active backend registered them, and those ops elsewhere.
 */
import * as tf from '@tensorflow/tfjs-core';

/** x (rows × channels) → [mean, variance] of each channel (biased) */
export const ChannelMoments = 'VskdChannelMoments';
/** x, scale, shift, residual? (relu) → relu?(x·scale + shift + residual?) */
export const BatchNormApply = 'VskdBatchNormApply';
/** dy, y? (the ReLU's output, when there is one), x, mean (withG) → [[Σ g, Σ g·(x − mean)], g if withG] */
export const BatchNormGradSums = 'VskdBatchNormGradSums';
/** dy, y?, x, mean, coefficients [a, b, c] → dx = (g − a − (x − mean)·b)·c */
export const BatchNormGradInput = 'VskdBatchNormGradInput';

export interface BatchNormApplyAttrs {
  relu: boolean;
}

export interface BatchNormGradSumsAttrs {
  withG: boolean;
  /** the batch's samples: x's rows are theirs in order (PyTorch sums each sample's plane first) */
  samples: number;
}

/** Whether the active backend has the kernels. */
export function hasBatchNormKernels(): boolean {
  return tf.getKernel(BatchNormApply, tf.getBackend()) !== undefined;
}

function run(kernel: string, inputs: Record<string, tf.Tensor | undefined>, attrs: tf.NamedAttrMap = {}): tf.Tensor[] {
  const given: tf.NamedTensorMap = {};
  for (const [name, tensor] of Object.entries(inputs)) if (tensor) given[name] = tensor;
  const out = tf.engine().runKernel(kernel, given, attrs);
  return Array.isArray(out) ? out : [out];
}

export function channelMomentsKernel(x: tf.Tensor): { mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const [mean, variance] = run(ChannelMoments, { x }) as tf.Tensor1D[];
  return { mean, variance };
}

export function batchNormApplyKernel<T extends tf.Tensor>(x: T, scale: tf.Tensor1D, shift: tf.Tensor1D, residual: T | undefined, relu: boolean): T {
  return run(BatchNormApply, { x, scale, shift, residual }, { relu } satisfies BatchNormApplyAttrs)[0] as T;
}

/** y: the ReLU's output where there is one. */
export function batchNormGradSumsKernel(
  dy: tf.Tensor,
  y: tf.Tensor | undefined,
  x: tf.Tensor,
  mean: tf.Tensor1D,
  withG: boolean,
): { sums: tf.Tensor1D; g?: tf.Tensor } {
  const [sums, g] = run(BatchNormGradSums, { dy, y, x, mean }, { withG, samples: x.shape[0] } satisfies BatchNormGradSumsAttrs);
  return { sums: sums as tf.Tensor1D, g };
}

export function batchNormGradInputKernel(dy: tf.Tensor, y: tf.Tensor | undefined, x: tf.Tensor, mean: tf.Tensor1D, coefficients: tf.Tensor1D): tf.Tensor {
  return run(BatchNormGradInput, { dy, y, x, mean, coefficients })[0];
}
