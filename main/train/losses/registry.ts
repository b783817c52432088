/**
 * The training objectives by name, as in VSKD's Table 4: baseline (CE only), st (Hinton KD), at, sp
 * (RepDistiller-style: CE + weight · term), dask, and DASK's ablations ask (no D), dsk (no A),
 * sk (no D, A), dak (no S).
 */
import { invalid } from './checks.ts';
import { resolveOptions, weightedLoss, type DistillationInputs, type DistillationOptions, type LossResult, type ResolvedOptions, type TermName, type TermWeights } from './combine.ts';
import { daskTermWeights } from './dask.ts';

export const METHOD_NAMES = ['baseline', 'st', 'at', 'sp', 'dask', 'ask', 'dsk', 'sk', 'dak'] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

function without(weights: TermWeights, ...dropped: TermName[]): TermWeights {
  return Object.fromEntries(Object.entries(weights).filter(([name]) => !dropped.includes(name as TermName)));
}

const methods: Record<MethodName, (options: ResolvedOptions) => TermWeights> = {
  baseline: () => ({ crossEntropy: 1 }),
  st: ({ alpha }) => ({ crossEntropy: 1, kd: alpha }),
  at: ({ atWeight }) => ({ crossEntropy: 1, attention: atWeight }),
  sp: ({ spWeight }) => ({ crossEntropy: 1, similarityPreserving: spWeight }),
  dask: daskTermWeights,
  ask: (options) => without(daskTermWeights(options), 'rkdDistance'),
  dsk: (options) => without(daskTermWeights(options), 'rkdAngle'),
  sk: (options) => without(daskTermWeights(options), 'rkdDistance', 'rkdAngle'),
  dak: (options) => without(daskTermWeights(options), 'semantic'),
};

export function isMethodName(name: string): name is MethodName {
  return (METHOD_NAMES as readonly string[]).includes(name);
}

function weightsOf(method: string, options: ResolvedOptions): TermWeights {
  if (!isMethodName(method)) throw invalid('method', `unknown distillation method '${method}'; expected one of ${METHOD_NAMES.join(', ')}`);
  return methods[method](options);
}

/** The term weights a method uses (after defaults), e.g. for logging the configuration. */
export function methodWeights(method: string, options: DistillationOptions = {}): TermWeights {
  return weightsOf(method, resolveOptions(options));
}

/**
 * The loss of `method`: a function of one batch returning the weighted total and every term unweighted.
 * Unknown names and bad options fail here, before any batch. Inside tf.variableGrads the terms are
 * intermediates of the differentiated function: tf.keep those to be logged after it returns.
 */
export function distillationLoss(method: string, options: DistillationOptions = {}): (inputs: DistillationInputs) => LossResult {
  const resolved = resolveOptions(options);
  const weights = weightsOf(method, resolved);
  return (inputs) => weightedLoss(weights, inputs, resolved);
}
