/**
 * Weighted sums of the distillation terms, each term also returned on its own so the trainer can log it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { attention } from './attention.ts';
import { requireNumber } from '../../shared/lossMethods.ts';
import { invalid } from './checks.ts';
import { crossEntropy } from './crossEntropy.ts';
import { kd } from './kd.ts';
import { MAX_ANGLE_BATCH, rkdAngle } from './rkdAngle.ts';
import { rkdDistance } from './rkdDistance.ts';
import { semantic, type Projection } from './semantic.ts';
import { resolveWeights, type TermName, type TermWeights, type WeightOptions } from '../../shared/lossMethods.ts';
import { similarityPreserving } from './similarityPreserving.ts';

/** One batch: the same samples through teacher and student (row k of every tensor is sample k). */
export interface DistillationInputs {
  /** class indices [N] (int32) or one-hot [N, C] */
  labels: tf.Tensor;
  studentLogits: tf.Tensor;
  teacherLogits: tf.Tensor;
  /** embeddings for RKD when `rkdOn` is 'embeddings' ([N, D], widths may differ) */
  studentEmb?: tf.Tensor;
  teacherEmb?: tf.Tensor;
  /** features before the last fully-connected layer (semantic loss, SP) */
  studentFeat?: tf.Tensor;
  teacherFeat?: tf.Tensor;
  /** NHWC feature maps paired by position (AT) */
  studentMaps?: tf.Tensor[];
  teacherMaps?: tf.Tensor[];
}

/**
 * What RKD ("emb") relates. VSKD defines L_D and L_A on the teacher's and student's outputs, i.e. the
 * logits: 'logits' (default). 'embeddings' uses studentEmb/teacherEmb instead (e.g. penultimate
 * features, as RKD's own experiments do).
 */
export type RkdInput = 'logits' | 'embeddings';

/** The weights (methods.ts) and how the terms are computed. */
export interface DistillationOptions extends Partial<WeightOptions> {
  /** what RKD relates: 'logits' (default) or 'embeddings' */
  rkdOn?: RkdInput;
  /** student → teacher feature map for the semantic term, when their widths differ */
  projection?: Projection;
  /** largest batch the angle loss accepts (N³ memory): 64 */
  maxAngleBatch?: number;
}

export type ResolvedOptions = Required<Omit<DistillationOptions, 'projection'>> & Pick<DistillationOptions, 'projection'>;

/** Fills in the defaults and checks every option (before training starts rather than at its first step). */
export function resolveOptions(options: DistillationOptions): ResolvedOptions {
  const resolved: ResolvedOptions = { rkdOn: 'logits', maxAngleBatch: MAX_ANGLE_BATCH, ...options, ...resolveWeights(options) };
  requireNumber(resolved.maxAngleBatch, 'maxAngleBatch', { positive: true });
  if (resolved.rkdOn !== 'logits' && resolved.rkdOn !== 'embeddings') {
    throw invalid('rkdOn', `expected 'logits' or 'embeddings', got ${String(resolved.rkdOn)}`);
  }
  return resolved;
}

export interface LossResult {
  /** Σ weight · term */
  total: tf.Scalar;
  /** every term of the method by its TermName, unweighted */
  terms: Record<string, tf.Scalar>;
}

function required<K extends keyof DistillationInputs>(inputs: DistillationInputs, key: K, term: TermName): NonNullable<DistillationInputs[K]> {
  const value = inputs[key];
  if (value === undefined) throw invalid(key, `the ${term} term needs ${key}`);
  return value as NonNullable<DistillationInputs[K]>;
}

function rkdPair(inputs: DistillationInputs, options: ResolvedOptions, term: TermName): [tf.Tensor, tf.Tensor] {
  if (options.rkdOn === 'logits') return [inputs.studentLogits, inputs.teacherLogits];
  return [required(inputs, 'studentEmb', term), required(inputs, 'teacherEmb', term)];
}

const termFunctions: Record<TermName, (inputs: DistillationInputs, options: ResolvedOptions) => tf.Scalar> = {
  crossEntropy: (inputs) => crossEntropy(inputs.labels, inputs.studentLogits),
  kd: (inputs, options) => kd(inputs.studentLogits, inputs.teacherLogits, options.temperature),
  rkdDistance: (inputs, options) => rkdDistance(...rkdPair(inputs, options, 'rkdDistance')),
  rkdAngle: (inputs, options) => rkdAngle(...rkdPair(inputs, options, 'rkdAngle'), options.maxAngleBatch),
  semantic: (inputs, options) => semantic(required(inputs, 'studentFeat', 'semantic'), required(inputs, 'teacherFeat', 'semantic'), options.projection),
  attention: (inputs) => attention(required(inputs, 'studentMaps', 'attention'), required(inputs, 'teacherMaps', 'attention')),
  similarityPreserving: (inputs) =>
    similarityPreserving(required(inputs, 'studentFeat', 'similarityPreserving'), required(inputs, 'teacherFeat', 'similarityPreserving')),
};

/** Computes every term named in `weights` and their weighted sum. */
export function weightedLoss(weights: TermWeights, inputs: DistillationInputs, options: ResolvedOptions): LossResult {
  return tf.tidy(() => {
    const terms: Record<string, tf.Scalar> = {};
    const weighted: tf.Scalar[] = [];
    for (const [name, weight] of Object.entries(weights) as [TermName, number][]) {
      const value = termFunctions[name](inputs, options);
      terms[name] = value;
      weighted.push(tf.mul(weight, value));
    }
    return { total: tf.addN(weighted) as tf.Scalar, terms };
  });
}
