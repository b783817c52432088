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
 * BatchNorm over the last (channel) axis. Training: normalises with the batch's statistics and
 * moves the running ones towards them (unbiased variance, as PyTorch does); inference: uses the
 * running statistics only. The update is an assignment, outside what gradients flow through.
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

  apply<T extends tf.Tensor>(x: T, training: boolean): T {
    const gamma = this.gamma as tf.Tensor1D;
    const beta = this.beta as tf.Tensor1D;
    if (!training) {
      return tf.batchNorm(x, this.runningMean as tf.Tensor1D, this.runningVariance as tf.Tensor1D, beta, gamma, BN_EPSILON) as T;
    }
    const axes = x.shape.slice(0, -1).map((_, k) => k);
    const { mean, variance } = tf.moments(x, axes);
    const count = x.size / x.shape[x.rank - 1];
    tf.tidy(() => {
      const unbiased = tf.mul(variance, count / Math.max(count - 1, 1));
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
      this.runningVariance.assign(tf.add(tf.mul(this.runningVariance, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)));
    });
    // x·scale + shift rather than tf.batchNorm: its gradient tiles the statistics to x's full shape
    // three times per layer (the largest cost of a wasm training step); broadcasting ops reduce instead
    const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, BN_EPSILON)));
    return tf.add(tf.mul(x, scale), tf.sub(beta, tf.mul(mean, scale))) as T;
  }
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
