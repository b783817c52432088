/**
 * The multi-scale Temporal Relation Network head (see shared/reference/trn.md): per-frame features
 * [B, K, d] → for each scale s = K … 2, MLPs over ordered s-frame subsets → summed logits.
 */
import * as tf from '@tensorflow/tfjs-core';
import { StudioError } from '../../shared/errors.ts';
import { deriveSeed, mulberry32, randomSubset, type Rng } from '../../random.ts';
import { Linear } from './layers.ts';
import { Model, type VariableScope } from './parameters.ts';
import { isPositiveInt } from './trunk.ts';

export interface TrnConfig {
  /** K, frames per clip (at least 2) */
  segments: number;
  /** d, features per frame */
  featureDim: number;
  classes: number;
  /** bottleneck width of each scale's MLP; default 256 */
  hidden?: number;
  /** subsets drawn at each scale below K; default 3 */
  subsetsPerScale?: number;
  seed?: number;
}

export type ResolvedTrnConfig = Required<TrnConfig>;

export interface TrnForwardOptions {
  training: boolean;
  /** draws the training subsets; default: the head's own RNG, seeded from the model's seed */
  rng?: Rng;
}

/** a type alias, not an interface: tf.tidy needs an index-signature-compatible type */
export type TrnOutput = {
  /** sum of every used subset's logits over every scale, [B, classes] */
  logits: tf.Tensor2D;
  /**
   * The relation feature, [B, hidden]: each scale's bottleneck activations (after the second ReLU,
   * the input of its last Linear) averaged over that scale's subsets, then averaged over scales.
   */
  feature: tf.Tensor2D;
  /** the frame-index subsets used, per scale (K first) */
  subsets: number[][][];
};

export function resolveTrnConfig(config: TrnConfig): ResolvedTrnConfig {
  const { segments, featureDim, classes, hidden = 256, subsetsPerScale = 3, seed = 0 } = config;
  if (!Number.isInteger(segments) || segments < 2) throw invalid('segments', `must be an integer ≥ 2, got ${segments}`);
  for (const [field, value] of Object.entries({ featureDim, classes, hidden, subsetsPerScale })) {
    if (!isPositiveInt(value)) throw invalid(field, `must be a positive integer, got ${value}`);
  }
  return { segments, featureDim, classes, hidden, subsetsPerScale, seed };
}

/** The relation scales for K frames: K, K − 1, …, 2. */
export function trnScales(segments: number): number[] {
  return Array.from({ length: segments - 1 }, (_, k) => segments - k);
}

/** All k-element subsets of 0 … n−1, each ascending (time order kept), in lexicographic order. */
export function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const pick = (start: number, chosen: number[]): void => {
    if (chosen.length === k) out.push([...chosen]);
    else for (let i = start; i <= n - (k - chosen.length); i++) pick(i + 1, [...chosen, i]);
  };
  pick(0, []);
  return out;
}

/** The head as a part of a larger model (the teacher); its variables live in the owner's store. */
export class TrnHead {
  readonly scales: number[];
  /** every ordered subset of each scale */
  readonly relations: number[][][];
  /** the subsets every evaluation uses, drawn once from the seed so evaluation reproduces */
  readonly evaluationSubsets: number[][][];
  private readonly mlps: { fc1: Linear; fc2: Linear }[];
  private readonly trainingRng: Rng;

  constructor(
    scope: VariableScope,
    readonly config: ResolvedTrnConfig,
  ) {
    const { segments, featureDim, hidden, classes } = config;
    this.scales = trnScales(segments);
    this.relations = this.scales.map((s) => combinations(segments, s));
    this.mlps = this.scales.map((s) => ({
      fc1: new Linear(scope.child(`scale${s}/fc1`), s * featureDim, hidden),
      fc2: new Linear(scope.child(`scale${s}/fc2`), hidden, classes),
    }));
    const seed = scope.store.seed;
    this.evaluationSubsets = this.sampleSubsets(mulberry32(deriveSeed(seed, `${scope.prefix}#evaluation`)));
    this.trainingRng = mulberry32(deriveSeed(seed, `${scope.prefix}#training`));
  }

  /** min(subsetsPerScale, #subsets) distinct subsets of each scale (all of them at scale K). */
  sampleSubsets(rng: Rng): number[][][] {
    return this.relations.map((all) => randomSubset(rng, all.length, Math.min(this.config.subsetsPerScale, all.length)).map((k) => all[k]));
  }

  /** x: [B, K, d]. Not wrapped in tf.tidy: the owner's forward pass is. */
  apply(x: tf.Tensor3D, options: TrnForwardOptions): TrnOutput {
    const { segments, featureDim, hidden, classes } = this.config;
    if (x.rank !== 3 || x.shape[1] !== segments || x.shape[2] !== featureDim) {
      throw invalid('x', `must have shape [B, ${segments}, ${featureDim}], got [${x.shape.join(', ')}]`);
    }
    const batch = x.shape[0];
    const subsets = options.training ? this.sampleSubsets(options.rng ?? this.trainingRng) : this.evaluationSubsets;
    const frames = tf.unstack(x, 1) as tf.Tensor2D[];
    const logits: tf.Tensor2D[] = [];
    const features: tf.Tensor2D[] = [];
    subsets.forEach((scaleSubsets, s) => {
      // all subsets of a scale go through its MLP as one batch: [n·B, scale·d]
      const input = tf.concat(
        scaleSubsets.map((subset) =>
          tf.concat(
            subset.map((k) => frames[k]),
            1,
          ),
        ),
        0,
      );
      const { fc1, fc2 } = this.mlps[s];
      const bottleneck = tf.relu(fc1.apply(tf.relu(input)));
      const n = scaleSubsets.length;
      logits.push(tf.sum(tf.reshape(fc2.apply(bottleneck), [n, batch, classes]), 0));
      features.push(tf.mean(tf.reshape(bottleneck, [n, batch, hidden]), 0));
    });
    return { logits: tf.addN(logits), feature: tf.mean(tf.stack(features), 0) as tf.Tensor2D, subsets };
  }
}

/** The head on its own, over precomputed per-frame features. */
export class TrnModel extends Model {
  readonly head: TrnHead;

  constructor(config: TrnConfig) {
    const resolved = resolveTrnConfig(config);
    super(resolved.seed);
    this.head = new TrnHead(this.scope.child('trn'), resolved);
  }

  forward(x: tf.Tensor3D, options: TrnForwardOptions): TrnOutput {
    return tf.tidy(() => this.head.apply(x, options));
  }
}

function invalid(field: string, problem: string): StudioError {
  return new StudioError('INVALID_ARGUMENT', `${field} ${problem}`, { field });
}
