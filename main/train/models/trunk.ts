/**
 * A ResNet trunk of basic blocks (two 3×3 convolutions and a shortcut), shared by the student
 * (ResNet18) and the teacher's per-frame CNN. Data layout NHWC.
 */
import * as tf from '@tensorflow/tfjs-core';
import { StudioError } from '../../shared/errors.ts';
import { BatchNorm, Conv2d, convMacs, convOutputSize, type ConvSpec, type BatchShards } from './layers.ts';
import type { VariableScope } from './parameters.ts';

/**
 * 'small': one 3×3 stride-1 convolution, no pooling (for small images such as 32–64 px GAFs);
 * 'imagenet': 7×7 stride-2 convolution then 3×3 stride-2 max-pool (for 224 px inputs).
 */
export type StemKind = 'small' | 'imagenet';

export interface TrunkConfig {
  inChannels: number;
  stem: StemKind;
  /** output channels of each stage; the stem has widths[0] */
  widths: readonly number[];
  /** basic blocks per stage; every stage but the first halves the spatial size */
  blocks: readonly number[];
}

function stemSpec(config: TrunkConfig): ConvSpec {
  const big = config.stem === 'imagenet';
  return { inChannels: config.inChannels, outChannels: config.widths[0], size: big ? 7 : 3, stride: big ? 2 : 1 };
}

/** The convolutions of each block, in order: [stage][block] → conv1, conv2 and the shortcut's if any. */
function blockSpecs(config: TrunkConfig): { conv1: ConvSpec; conv2: ConvSpec; shortcut: ConvSpec | null }[][] {
  let channels = config.widths[0];
  return config.widths.map((width, stage) =>
    Array.from({ length: config.blocks[stage] }, (_, block) => {
      const stride = stage > 0 && block === 0 ? 2 : 1;
      const inChannels = channels;
      channels = width;
      return {
        conv1: { inChannels, outChannels: width, size: 3, stride },
        conv2: { inChannels: width, outChannels: width, size: 3, stride: 1 },
        shortcut: stride !== 1 || inChannels !== width ? { inChannels, outChannels: width, size: 1, stride } : null,
      };
    }),
  );
}

export function checkTrunkConfig(config: TrunkConfig, field: string): void {
  const bad = (what: string): never => {
    throw new StudioError('INVALID_ARGUMENT', `${field}: ${what}`, { field });
  };
  if (config.stem !== 'small' && config.stem !== 'imagenet') bad(`stem must be 'small' or 'imagenet', got ${String(config.stem)}`);
  if (!isPositiveInt(config.inChannels)) bad(`inChannels must be a positive integer, got ${config.inChannels}`);
  if (config.widths.length === 0 || !config.widths.every(isPositiveInt)) bad(`widths must be positive integers, got [${config.widths.join(', ')}]`);
  if (config.blocks.length !== config.widths.length || !config.blocks.every(isPositiveInt)) {
    bad(`blocks must hold one positive integer per stage (${config.widths.length}), got [${config.blocks.join(', ')}]`);
  }
}

export function isPositiveInt(n: unknown): n is number {
  return Number.isInteger(n) && (n as number) > 0;
}

class BasicBlock {
  private readonly conv1: Conv2d;
  private readonly bn1: BatchNorm;
  private readonly conv2: Conv2d;
  private readonly bn2: BatchNorm;
  private readonly shortcut: { conv: Conv2d; bn: BatchNorm } | null;

  constructor(scope: VariableScope, specs: ReturnType<typeof blockSpecs>[number][number]) {
    this.conv1 = new Conv2d(scope.child('conv1'), specs.conv1);
    this.bn1 = new BatchNorm(scope.child('bn1'), specs.conv1.outChannels);
    this.conv2 = new Conv2d(scope.child('conv2'), specs.conv2);
    this.bn2 = new BatchNorm(scope.child('bn2'), specs.conv2.outChannels);
    this.shortcut = specs.shortcut && {
      conv: new Conv2d(scope.child('shortcut/conv'), specs.shortcut),
      bn: new BatchNorm(scope.child('shortcut/bn'), specs.shortcut.outChannels),
    };
  }

  apply(x: tf.Tensor4D, training: boolean, across?: BatchShards): tf.Tensor4D {
    const h = this.bn1.apply(this.conv1.apply(x), training, { relu: true, across });
    const identity = this.shortcut ? this.shortcut.bn.apply(this.shortcut.conv.apply(x), training, { across }) : x;
    return this.bn2.apply(this.conv2.apply(h), training, { residual: identity, relu: true, across });
  }
}

export class ResNetTrunk {
  private readonly stemConv: Conv2d;
  private readonly stemBn: BatchNorm;
  private readonly stages: BasicBlock[][];

  constructor(
    scope: VariableScope,
    readonly config: TrunkConfig,
  ) {
    this.stemConv = new Conv2d(scope.child('stem/conv'), stemSpec(config));
    this.stemBn = new BatchNorm(scope.child('stem/bn'), config.widths[0]);
    this.stages = blockSpecs(config).map((stage, s) => stage.map((specs, b) => new BasicBlock(scope.child(`stage${s + 1}/block${b + 1}`), specs)));
  }

  get outChannels(): number {
    return this.config.widths[this.config.widths.length - 1];
  }

  /** The output of every stage, [B, H_s, W_s, widths[s]]; `across`: x is a shard of the batch. */
  apply(x: tf.Tensor4D, training: boolean, across?: BatchShards): tf.Tensor4D[] {
    let h = this.stemBn.apply(this.stemConv.apply(x), training, { relu: true, across });
    if (this.config.stem === 'imagenet') h = tf.maxPool(h, 3, 2, 1);
    const maps: tf.Tensor4D[] = [];
    for (const stage of this.stages) {
      for (const block of stage) h = block.apply(h, training, across);
      maps.push(h);
    }
    return maps;
  }
}

/** Multiply-accumulates of the trunk's convolutions for one square input (BN, ReLU, pooling not counted). */
export function trunkMacs(config: TrunkConfig, inputSize: number): number {
  const stem = stemSpec(config);
  let macs = convMacs(stem, inputSize);
  let size = convOutputSize(inputSize, stem.size, stem.stride);
  if (config.stem === 'imagenet') size = convOutputSize(size, 3, 2);
  for (const stage of blockSpecs(config)) {
    for (const { conv1, conv2, shortcut } of stage) {
      macs += convMacs(conv1, size) + (shortcut ? convMacs(shortcut, size) : 0);
      size = convOutputSize(size, conv1.size, conv1.stride);
      macs += convMacs(conv2, size);
    }
  }
  return macs;
}
