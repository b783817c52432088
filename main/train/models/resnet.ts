/**
 * The student: ResNet18 (basic blocks [2, 2, 2, 2], widths 64→128→256→512 × a width multiplier)
 * on NHWC images (GAF images of the accelerometer axes), global average pooling, one Linear.
 */
import * as tf from '@tensorflow/tfjs-core';
import { StudioError } from '../../shared/errors.ts';
import { Linear, type BatchShards } from './layers.ts';
import { Model } from './parameters.ts';
import { isPositiveInt, ResNetTrunk, trunkMacs, type StemKind, type TrunkConfig } from './trunk.ts';

export interface ResNetConfig {
  classes: number;
  /** side of the square input images; the forward pass checks it */
  inputSize: number;
  /** width multiplier on 64/128/256/512 (0.25 for a wearable-sized student); default 1 */
  width?: number;
  /** default: 'small' for inputs up to 64 px, 'imagenet' above */
  stem?: StemKind;
  /** default 3 (one GAF image per accelerometer axis) */
  inChannels?: number;
  seed?: number;
}

export type ResolvedResNetConfig = Required<ResNetConfig>;

/** a type alias, not an interface: tf.tidy needs an index-signature-compatible type */
export type ResNetOutput = {
  logits: tf.Tensor2D;
  /** globally pooled last stage, [B, 512 × width]: the feature before the Linear (semantic loss) */
  feature: tf.Tensor2D;
  /** the four stage outputs (attention transfer) */
  maps: tf.Tensor4D[];
};

const BASE_WIDTHS = [64, 128, 256, 512];
const BLOCKS = [2, 2, 2, 2];

/** Channels of the four stages at a width multiplier (at least one each). */
export function resnet18Widths(width: number): number[] {
  return BASE_WIDTHS.map((w) => Math.max(1, Math.round(w * width)));
}

export function resolveResNetConfig(config: ResNetConfig): ResolvedResNetConfig {
  const { classes, inputSize, width = 1, inChannels = 3, seed = 0 } = config;
  if (!isPositiveInt(classes)) throw invalid('classes', `must be a positive integer, got ${classes}`);
  if (!isPositiveInt(inputSize)) throw invalid('inputSize', `must be a positive integer, got ${inputSize}`);
  if (!(width > 0 && Number.isFinite(width))) throw invalid('width', `must be a positive number, got ${width}`);
  if (!isPositiveInt(inChannels)) throw invalid('inChannels', `must be a positive integer, got ${inChannels}`);
  const stem = config.stem ?? (inputSize <= 64 ? 'small' : 'imagenet');
  if (stem !== 'small' && stem !== 'imagenet') throw invalid('stem', `must be 'small' or 'imagenet', got ${String(stem)}`);
  return { classes, inputSize, width, stem, inChannels, seed };
}

function trunkConfig(config: ResolvedResNetConfig): TrunkConfig {
  return { inChannels: config.inChannels, stem: config.stem, widths: resnet18Widths(config.width), blocks: BLOCKS };
}

/** Multiply-accumulates of one inference of one image: convolutions and the Linear. */
export function resnetMacs(config: ResNetConfig): number {
  const resolved = resolveResNetConfig(config);
  const trunk = trunkConfig(resolved);
  return trunkMacs(trunk, resolved.inputSize) + trunk.widths[3] * resolved.classes;
}

export class ResNet18 extends Model {
  readonly config: ResolvedResNetConfig;
  readonly featureSize: number;
  private readonly trunk: ResNetTrunk;
  private readonly fc: Linear;

  constructor(config: ResNetConfig) {
    const resolved = resolveResNetConfig(config);
    super(resolved.seed);
    this.config = resolved;
    this.trunk = new ResNetTrunk(this.scope, trunkConfig(resolved));
    this.featureSize = this.trunk.outChannels;
    // PyTorch's default: the classifier's initial scale sets how well the recipe generalises (layers.ts)
    this.fc = new Linear(this.scope.child('fc'), this.featureSize, resolved.classes, { init: 'pytorch' });
  }

  /**
   * x: [B, S, S, inChannels]. Training mode normalises with batch statistics and updates the running
   * ones; with `across`, x is this thread's shard of the batch and the statistics are the whole batch's.
   */
  forward(x: tf.Tensor4D, options: { training: boolean; across?: BatchShards }): ResNetOutput {
    const { inputSize: s, inChannels: c } = this.config;
    if (x.rank !== 4 || x.shape[1] !== s || x.shape[2] !== s || x.shape[3] !== c) {
      throw invalid('x', `must have shape [B, ${s}, ${s}, ${c}], got [${x.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      const maps = this.trunk.apply(x, options.training, options.across);
      const feature = tf.mean(maps[maps.length - 1], [1, 2]) as tf.Tensor2D;
      return { logits: this.fc.apply(feature), feature, maps };
    });
  }
}

function invalid(field: string, problem: string): StudioError {
  return new StudioError('INVALID_ARGUMENT', `${field} ${problem}`, { field });
}
