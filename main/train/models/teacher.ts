/**
 * The teacher: a per-frame encoder (a small ResNet over video frames, an MLP over body pose, or both
 * with their features concatenated) → Dropout → Linear(feature, d) per frame → multi-scale TRN head
 * over K segments. Frames are folded into the batch, so the encoders are shared across frames.
 */
import * as tf from '@tensorflow/tfjs-core';
import { StudioError } from '../../shared/errors.ts';
import { deriveSeed, mulberry32, type Rng } from '../../random.ts';
import { dropout, Linear } from './layers.ts';
import { Model } from './parameters.ts';
import { PoseEncoder } from './pose.ts';
import { TrnHead, resolveTrnConfig } from './trn.ts';
import { checkTrunkConfig, isPositiveInt, ResNetTrunk, type StemKind } from './trunk.ts';

export type TeacherInput = 'frames' | 'pose';

export interface FrameEncoderConfig {
  /** side of the square frames; default 112 */
  size?: number;
  /** 1 for depth, 3 for RGB; default 1 */
  channels?: number;
  /** default 'imagenet' (7×7/2 and max-pool: 112 px frames reach the first stage at 28 px) */
  stem?: StemKind;
  /** default [16, 32, 64, 128] */
  widths?: readonly number[];
  /** basic blocks per stage; default one per stage */
  blocks?: readonly number[];
}

export interface PoseConfig {
  /** default 20 (Kinect v1, UTD-MHAD) */
  joints?: number;
  /** default [128, 128] */
  hidden?: readonly number[];
}

export interface TeacherConfig {
  classes: number;
  /** ['frames'], ['pose'] or ['frames', 'pose'] (fused by concatenating per-frame features) */
  inputs: readonly TeacherInput[];
  /** K; default 8 */
  segments?: number;
  /** d, the per-frame feature the TRN relates; default 256 */
  featureDim?: number;
  /** default 0.5 */
  dropout?: number;
  frames?: FrameEncoderConfig;
  pose?: PoseConfig;
  /** the TRN MLPs' bottleneck; default 256 */
  trnHidden?: number;
  /** default 3 */
  subsetsPerScale?: number;
  seed?: number;
}

export interface ResolvedTeacherConfig {
  classes: number;
  inputs: TeacherInput[];
  segments: number;
  featureDim: number;
  dropout: number;
  /** null when frames are not an input */
  frames: Required<FrameEncoderConfig> | null;
  pose: Required<PoseConfig> | null;
  trnHidden: number;
  subsetsPerScale: number;
  seed: number;
}

export interface TeacherInputs {
  /** [B, K, size, size, channels] */
  frames?: tf.Tensor5D;
  /** [B, K, joints, 3], hip-centred */
  pose?: tf.Tensor4D;
}

/** a type alias, not an interface: tf.tidy needs an index-signature-compatible type */
export type TeacherOutput = {
  /** [B, classes] */
  logits: tf.Tensor2D;
  /** the TRN relation feature, [B, trnHidden] (see TrnOutput.feature) */
  feature: tf.Tensor2D;
  /**
   * The per-segment features the TRN relates, laid out as a map over time: [B, K, 1, d]. It is what
   * attention transfer matches, whatever the visual input (pose has no spatial map).
   */
  timeMap: tf.Tensor4D;
};

export function resolveTeacherConfig(config: TeacherConfig): ResolvedTeacherConfig {
  const { classes, segments = 8, featureDim = 256, dropout = 0.5, trnHidden = 256, subsetsPerScale = 3, seed = 0 } = config;
  const inputs = [...config.inputs];
  const known = inputs.every((i) => i === 'frames' || i === 'pose');
  if (inputs.length === 0 || !known || new Set(inputs).size !== inputs.length) {
    throw invalid('inputs', `must be ['frames'], ['pose'] or ['frames', 'pose'], got [${inputs.join(', ')}]`);
  }
  if (!(dropout >= 0 && dropout < 1)) throw invalid('dropout', `must be in [0, 1), got ${dropout}`);
  const f = config.frames ?? {};
  const widths = f.widths ?? [16, 32, 64, 128];
  const frames = inputs.includes('frames')
    ? { size: f.size ?? 112, channels: f.channels ?? 1, stem: f.stem ?? 'imagenet', widths, blocks: f.blocks ?? widths.map(() => 1) }
    : null;
  if (frames) {
    if (!isPositiveInt(frames.size)) throw invalid('frames.size', `must be a positive integer, got ${frames.size}`);
    checkTrunkConfig({ ...frames, inChannels: frames.channels }, 'frames');
  }
  const pose = inputs.includes('pose') ? { joints: config.pose?.joints ?? 20, hidden: config.pose?.hidden ?? [128, 128] } : null;
  if (pose) {
    if (!isPositiveInt(pose.joints)) throw invalid('pose.joints', `must be a positive integer, got ${pose.joints}`);
    if (pose.hidden.length === 0 || !pose.hidden.every(isPositiveInt)) {
      throw invalid('pose.hidden', `must be one or more positive integers, got [${pose.hidden.join(', ')}]`);
    }
  }
  // the TRN checks segments, featureDim, classes and its own sizes
  resolveTrnConfig({ segments, featureDim, classes, hidden: trnHidden, subsetsPerScale });
  return { classes, inputs, segments, featureDim, dropout, frames, pose, trnHidden, subsetsPerScale, seed };
}

export class Teacher extends Model {
  readonly config: ResolvedTeacherConfig;
  private readonly frameEncoder: ResNetTrunk | null;
  private readonly poseEncoder: PoseEncoder | null;
  private readonly projection: Linear;
  private readonly trn: TrnHead;
  private readonly trainingRng: Rng;

  constructor(config: TeacherConfig) {
    const resolved = resolveTeacherConfig(config);
    super(resolved.seed);
    this.config = resolved;
    const { frames, pose } = resolved;
    this.frameEncoder = frames && new ResNetTrunk(this.scope.child('frames'), { ...frames, inChannels: frames.channels });
    this.poseEncoder = pose && new PoseEncoder(this.scope.child('pose'), pose.joints, pose.hidden);
    const perFrame = (this.frameEncoder?.outChannels ?? 0) + (this.poseEncoder?.outFeatures ?? 0);
    this.projection = new Linear(this.scope.child('projection'), perFrame, resolved.featureDim);
    const { segments, featureDim, classes, trnHidden, subsetsPerScale, seed } = resolved;
    this.trn = new TrnHead(this.scope.child('trn'), { segments, featureDim, classes, hidden: trnHidden, subsetsPerScale, seed });
    this.trainingRng = mulberry32(deriveSeed(resolved.seed, '#training'));
  }

  /**
   * Training mode: dropout masks and TRN subsets are drawn from `rng` (default: the model's own,
   * seeded) and BatchNorm running statistics are updated. Inference is deterministic.
   */
  forward(inputs: TeacherInputs, options: { training: boolean; rng?: Rng }): TeacherOutput {
    const batch = this.checkInputs(inputs);
    const { segments, featureDim, dropout: rate } = this.config;
    const rng = options.rng ?? this.trainingRng;
    return tf.tidy(() => {
      const parts: tf.Tensor2D[] = [];
      if (this.frameEncoder && inputs.frames) {
        const [, , h, w, c] = inputs.frames.shape;
        const maps = this.frameEncoder.apply(tf.reshape(inputs.frames, [batch * segments, h, w, c]), options.training);
        parts.push(tf.mean(maps[maps.length - 1], [1, 2]) as tf.Tensor2D);
      }
      if (this.poseEncoder && inputs.pose) {
        parts.push(this.poseEncoder.apply(tf.reshape(inputs.pose, [batch * segments, -1]), options.training));
      }
      const perFrame = parts.length === 1 ? parts[0] : tf.concat(parts, 1);
      const projected = this.projection.apply(dropout(perFrame, rate, options.training, rng));
      const { logits, feature } = this.trn.apply(tf.reshape(projected, [batch, segments, featureDim]), { training: options.training, rng });
      return { logits, feature, timeMap: tf.reshape(projected, [batch, segments, 1, featureDim]) as tf.Tensor4D };
    });
  }

  /** Checks that exactly the configured inputs are given, with their shapes; returns the batch size. */
  private checkInputs(inputs: TeacherInputs): number {
    const { segments: k, frames, pose } = this.config;
    for (const name of ['frames', 'pose'] as const) {
      const wanted = this.config.inputs.includes(name);
      if (wanted && !inputs[name]) throw invalid(name, `is required: the teacher's inputs are [${this.config.inputs.join(', ')}]`);
      if (!wanted && inputs[name]) throw invalid(name, `is not one of the teacher's inputs [${this.config.inputs.join(', ')}]`);
    }
    const batches: number[] = [];
    if (frames && inputs.frames) {
      const want = [k, frames.size, frames.size, frames.channels];
      const shape = inputs.frames.shape;
      if (shape.length !== 5 || want.some((d, i) => shape[i + 1] !== d)) {
        throw invalid('frames', `must have shape [B, ${want.join(', ')}], got [${shape.join(', ')}]`);
      }
      batches.push(shape[0]);
    }
    if (pose && inputs.pose) {
      const shape = inputs.pose.shape;
      if (shape.length !== 4 || shape[1] !== k || shape[2] !== pose.joints || shape[3] !== 3) {
        throw invalid('pose', `must have shape [B, ${k}, ${pose.joints}, 3], got [${shape.join(', ')}]`);
      }
      batches.push(shape[0]);
    }
    if (batches.some((b) => b !== batches[0])) throw invalid('pose', `batch size ${batches[1]} differs from the frames' ${batches[0]}`);
    return batches[0];
  }
}

function invalid(field: string, problem: string): StudioError {
  return new StudioError('INVALID_ARGUMENT', `${field} ${problem}`, { field });
}
