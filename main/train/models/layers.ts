/**
 * The few layers the models are made of, as small classes over tfjs-core ops. Each holds its
 * tf.Variables (registered in a VariableScope) and applies itself functionally, so a trainer can
 * take gradients of any forward pass with tf.variableGrads.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node bundle registers no gradient functions; tfjs-layers registers all of them in
// tfjs's global registry (as the @tensorflow/tfjs package does), so tf.variableGrads works
import '@tensorflow/tfjs-layers';
import { randomGaussian, randomInt, type Rng } from '../../random.ts';
import {
  batchNormApplyKernel,
  batchNormGradInputKernel,
  batchNormGradSumsKernel,
  channelMomentsKernel,
  hasBatchNormKernels,
} from '../kernels/batchNormKernels.ts';
import type { VariableScope } from './parameters.ts';

const BN_EPSILON = 1e-5;
/** share of the batch statistic in each running-statistic update (PyTorch's momentum 0.1) */
const BN_MOMENTUM = 0.1;

type Init = (rng: Rng, size: number) => Float32Array;

/** He et al. normal, std √(2 / fan_in): keeps activations' scale through ReLU convolutions. */
function heNormal(fanIn: number): Init {
  const std = Math.sqrt(2 / fanIn);
  return (rng, size) => {
    const out = new Float32Array(size);
    for (let k = 0; k < size; k++) out[k] = std * randomGaussian(rng);
    return out;
  };
}

/** Glorot uniform, limit √(6 / (fan_in + fan_out)): the usual default for fully-connected layers. */
function glorotUniform(fanIn: number, fanOut: number): Init {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return (rng, size) => {
    const out = new Float32Array(size);
    for (let k = 0; k < size; k++) out[k] = (2 * rng() - 1) * limit;
    return out;
  };
}

/**
 * PyTorch's nn.Linear default, U(±1/√fan_in) for the kernel and the bias (kaiming_uniform with a = √5).
 * For the student's classifier it matters: with Glorot's limit √(6 / (fan_in + fan_out)), about 2.2×
 * larger at 128 → 27, the same recipe generalised 7–10 points worse in PyTorch on UTD-MHAD (docs/RESULTS.md).
 */
function pytorchUniform(fanIn: number): Init {
  const limit = 1 / Math.sqrt(fanIn);
  return (rng, size) => {
    const out = new Float32Array(size);
    for (let k = 0; k < size; k++) out[k] = (2 * rng() - 1) * limit;
    return out;
  };
}

const zeros: Init = (_, size) => new Float32Array(size);
const ones: Init = (_, size) => new Float32Array(size).fill(1);

export interface ConvSpec {
  inChannels: number;
  outChannels: number;
  /** square kernel side */
  size: number;
  stride: number;
}

/** Output side of a square convolution or pooling padded by ⌊size/2⌋ on each side (PyTorch-style). */
export function convOutputSize(input: number, size: number, stride: number): number {
  return Math.floor((input + 2 * Math.floor(size / 2) - size) / stride) + 1;
}

/** Multiply-accumulates of one convolution for one sample. */
export function convMacs(spec: ConvSpec, inputSize: number): number {
  const out = convOutputSize(inputSize, spec.size, spec.stride);
  return out * out * spec.size * spec.size * spec.inChannels * spec.outChannels;
}

/** Square convolution without bias (a BatchNorm always follows), symmetric padding ⌊size/2⌋. */
export class Conv2d {
  readonly kernel: tf.Variable;

  constructor(
    scope: VariableScope,
    readonly spec: ConvSpec,
  ) {
    const { size, inChannels, outChannels } = spec;
    this.kernel = scope.add('kernel', [size, size, inChannels, outChannels], heNormal(size * size * inChannels));
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.conv2d(x, this.kernel as tf.Tensor4D, this.spec.stride, Math.floor(this.spec.size / 2));
  }
}

/**
 * The exchanges between the threads that train one batch together (dataParallel.ts), through which
 * every thread's BatchNorm normalises with the whole batch's statistics: every thread's part, in
 * thread order, or their element-wise sum.
 */
export interface BatchShards {
  gather(part: Float32Array): Float32Array[];
  sum(part: Float32Array): Float32Array;
}

export interface BatchNormOptions<T extends tf.Tensor> {
  /** added to the normalised value before the ReLU (a residual block's shortcut) */
  residual?: T;
  /** a ReLU on the result */
  relu?: boolean;
  /** training on a shard of the batch: the statistics are the whole batch's */
  across?: BatchShards;
}

/**
 * BatchNorm over the last (channel) axis, optionally followed by a residual addition and a ReLU:
 * relu?(BN(x) + residual?). Training: normalises with the batch's statistics and moves the running
 * ones towards them (unbiased variance, as PyTorch does); inference: uses the running statistics only.
 * The update is an assignment, outside what gradients flow through.
 *
 * In training the whole of it is one custom-gradient op: the backward pass keeps only x, the output
 * and the batch statistics (the ops of the forward pass are not taped, and their intermediates are
 * freed at once), and computes the gradient in closed form,
 * dx = γ/σ · (g − mean(g) − x̂ · mean(g · x̂)), g the output gradient through the ReLU, x̂ = (x − μ)/σ,
 * with the backend's element-wise kernels (wasm's FusedBatchNorm, a scalar loop, takes about twice
 * as long as the Sub and Mul it would replace). Taped op by op, the same layer kept five full-size
 * tensors: a wasm student step at 64², batch 32, held 679 MiB after its forward pass, now 251 MiB.
 */
export class BatchNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVariance: tf.Variable;

  constructor(scope: VariableScope, channels: number) {
    this.gamma = scope.add('gamma', [channels], ones);
    this.beta = scope.add('beta', [channels], zeros);
    this.runningMean = scope.add('runningMean', [channels], zeros, false);
    this.runningVariance = scope.add('runningVariance', [channels], ones, false);
  }

  apply<T extends tf.Tensor>(x: T, training: boolean, options: BatchNormOptions<T> = {}): T {
    const gamma = this.gamma as tf.Tensor1D;
    const beta = this.beta as tf.Tensor1D;
    if (!training) {
      const normalised = tf.batchNorm(x, this.runningMean as tf.Tensor1D, this.runningVariance as tf.Tensor1D, beta, gamma, BN_EPSILON) as T;
      const summed = options.residual ? (tf.add(normalised, options.residual) as T) : normalised;
      return options.relu ? tf.relu(summed) : summed;
    }
    const { residual, relu = false, across } = options;
    // the rows each statistic is over: the whole batch's, when this thread holds a shard of it
    let count = x.size / x.shape[x.rank - 1];
    const forward = (input: tf.Tensor, save: tf.GradSaveFunc) => {
      const [y, mean, variance] = tf.tidy(() => {
        const moments = across ? shardedMoments(input, across) : channelMoments(input);
        count = moments.count;
        // x·scale + shift, as PyTorch's CPU kernel computes it (tf.batchNorm's rounding differs:
        // enough, over 20 Adam steps, to move a weight of the parity test past its tolerance)
        const scale = tf.mul(gamma, tf.rsqrt(tf.add(moments.variance, BN_EPSILON))) as tf.Tensor1D;
        const shift = tf.sub(beta, tf.mul(moments.mean, scale)) as tf.Tensor1D;
        if (hasBatchNormKernels()) return [batchNormApplyKernel(input, scale, shift, residual, relu), moments.mean, moments.variance];
        let out = tf.add(tf.mul(input, scale), shift);
        if (residual) out = tf.add(out, residual);
        if (relu) out = tf.relu(out);
        return [out, moments.mean, moments.variance];
      });
      this.updateRunningStatistics(mean, variance, count);
      save([input, y, mean, variance]);
      return y;
    };
    const backward = (dy: tf.Tensor, saved: tf.Tensor[]) =>
      tf.tidy(() => {
        const [input, y, mean, variance] = saved as [T, T, tf.Tensor1D, tf.Tensor1D];
        const invStd = tf.rsqrt(tf.add(variance, BN_EPSILON));
        const native = hasBatchNormKernels();
        const { dBeta, dCentred, g } = native
          ? nativeGradSums(dy, relu ? y : undefined, input, mean, !!residual)
          : gradSums(dy, relu ? y : undefined, input, mean);
        // dx needs both sums over the whole batch; dγ and dβ stay this shard's (the trainer sums
        // every weight's gradient over the threads)
        const [batchBeta, batchCentred] = across ? shardedSums([dBeta, dCentred], across) : [dBeta, dCentred];
        // dx = γ/σ · (g − mean(g) − (x − μ)·Σ g·(x − μ)/(N·σ²)), grouped as PyTorch's CPU kernel groups it
        const meanG = tf.div(batchBeta, count) as tf.Tensor1D;
        const projection = tf.div(tf.mul(batchCentred, tf.square(invStd)), count) as tf.Tensor1D;
        const factor = tf.mul(gamma, invStd) as tf.Tensor1D;
        const dx = native
          ? batchNormGradInputKernel(dy, relu ? y : undefined, input, mean, tf.concat([meanG, projection, factor]))
          : tf.mul(tf.sub(tf.sub(g!, meanG), tf.mul(tf.sub(input, mean), projection)), factor);
        const dGamma = tf.mul(dCentred, invStd);
        return residual ? [dx, dGamma, dBeta, g!] : [dx, dGamma, dBeta];
      });
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const save = args[args.length - 1] as tf.GradSaveFunc;
      return { value: forward(args[0] as tf.Tensor, save), gradFunc: backward };
    });
    return (residual ? op(x, gamma, beta, residual) : op(x, gamma, beta)) as T;
  }

  private updateRunningStatistics(mean: tf.Tensor, variance: tf.Tensor, count: number): void {
    tf.tidy(() => {
      const unbiased = tf.mul(variance, count / Math.max(count - 1, 1));
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
      this.runningVariance.assign(tf.add(tf.mul(this.runningVariance, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)));
    });
  }
}

/** Per-channel (last-axis) sums. */
function channelSums(x: tf.Tensor): tf.Tensor1D {
  return tf.sum(
    x,
    x.shape.slice(0, -1).map((_, k) => k),
  );
}

interface GradSums {
  /** Σ g per channel */
  dBeta: tf.Tensor1D;
  /** Σ g·(x − μ) per channel (σ·dγ) */
  dCentred: tf.Tensor1D;
  /** dy through the ReLU (dy where there is none); the native path makes it only when asked */
  g?: tf.Tensor;
}

/** The backward pass's sums by element-wise ops; y is the ReLU's output where there is one. */
function gradSums(dy: tf.Tensor, y: tf.Tensor | undefined, x: tf.Tensor, mean: tf.Tensor1D): GradSums {
  const g = y ? tf.mul(dy, tf.step(y)) : dy;
  return { dBeta: channelSums(g), dCentred: channelSums(tf.mul(g, tf.sub(x, mean))), g };
}

/** The same by the backend's kernel (batchNormKernels.ts): one pass; g only when the residual needs it. */
function nativeGradSums(dy: tf.Tensor, y: tf.Tensor | undefined, x: tf.Tensor, mean: tf.Tensor1D, withG: boolean): GradSums {
  const { sums, g } = batchNormGradSumsKernel(dy, y, x, mean, withG);
  const [dBeta, dCentred] = tf.split(sums, 2) as [tf.Tensor1D, tf.Tensor1D];
  return { dBeta, dCentred, g };
}

interface Moments {
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
  /** the rows they are over */
  count: number;
}

/** The batch mean and (biased) variance of each channel: tf.moments' arithmetic. */
function channelMoments(x: tf.Tensor): Moments {
  const count = x.size / x.shape[x.rank - 1];
  if (hasBatchNormKernels()) return { ...channelMomentsKernel(x), count };
  const mean = tf.div(channelSums(x), count) as tf.Tensor1D;
  return { mean, variance: tf.div(channelSums(tf.squaredDifference(x, mean)), count) as tf.Tensor1D, count };
}

/**
 * channelMoments over the whole batch, of which `x` is this thread's shard, in one exchange: each
 * thread's count, sum and sum of squared deviations from its own mean, combined as Chan et al. combine
 * them (M2 = Σ M2_k + Σ n_k·(μ_k − μ)², in float64): as stable as the two passes over the whole batch.
 */
function shardedMoments(x: tf.Tensor, across: BatchShards): Moments {
  const channels = x.shape[x.rank - 1];
  const local = channelMoments(x);
  const part = new Float32Array(2 * channels + 1);
  part.set(tf.mul(local.mean, local.count).dataSync() as Float32Array);
  part.set(tf.mul(local.variance, local.count).dataSync() as Float32Array, channels);
  part[2 * channels] = local.count;
  const parts = across.gather(part);
  const count = parts.reduce((n, p) => n + p[2 * channels], 0);
  const mean = new Float32Array(channels);
  const variance = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const mu = parts.reduce((sum, p) => sum + p[c], 0) / count;
    let m2 = 0;
    for (const p of parts) m2 += p[channels + c] + p[2 * channels] * (p[c] / p[2 * channels] - mu) ** 2;
    mean[c] = mu;
    variance[c] = m2 / count;
  }
  return { mean: tf.tensor1d(mean), variance: tf.tensor1d(variance), count };
}

/** Per-channel sums of every thread's shard, in one exchange. */
function shardedSums(sums: tf.Tensor1D[], across: BatchShards): tf.Tensor1D[] {
  const channels = sums[0].size;
  const total = across.sum(tf.concat(sums).dataSync() as Float32Array);
  return sums.map((_, k) => tf.tensor1d(total.subarray(k * channels, (k + 1) * channels)));
}

export interface LinearOptions {
  bias?: boolean;
  /** 'glorot' (default): Glorot-uniform kernel, zero bias; 'pytorch': nn.Linear's default for both */
  init?: 'glorot' | 'pytorch';
}

export class Linear {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable | null;

  constructor(scope: VariableScope, inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    const pytorch = options.init === 'pytorch';
    this.kernel = scope.add('kernel', [inFeatures, outFeatures], pytorch ? pytorchUniform(inFeatures) : glorotUniform(inFeatures, outFeatures));
    this.bias = options.bias === false ? null : scope.add('bias', [outFeatures], pytorch ? pytorchUniform(inFeatures) : zeros);
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    const product = tf.matMul(x, this.kernel as tf.Tensor2D) as tf.Tensor2D;
    return this.bias ? (tf.add(product, this.bias) as tf.Tensor2D) : product;
  }
}

/** Inverted dropout in training (mask seeded from `rng`); the identity at inference. */
export function dropout<T extends tf.Tensor>(x: T, rate: number, training: boolean, rng: Rng): T {
  if (!training || rate === 0) return x;
  return tf.dropout(x, rate, undefined, randomInt(rng, 0x7fffffff)) as T;
}
