/**
 * The training objectives by name, as in VSKD's Table 4, and the weight each gives its terms: baseline
 * (CE only), st (Hinton KD), at, sp (RepDistiller-style: CE + weight · term), dask, and DASK's
 * ablations ask (no D), dsk (no A), sk (no D, A), dak (no S). No tensors here: the studio's form reads
 * which weights a method takes from this module too.
 */
import { StudioError } from './errors.ts';

export const METHOD_NAMES = ['baseline', 'st', 'at', 'sp', 'dask', 'ask', 'dsk', 'sk', 'dak'] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

export type TermName = 'crossEntropy' | 'kd' | 'rkdDistance' | 'rkdAngle' | 'semantic' | 'attention' | 'similarityPreserving';
export type TermWeights = Partial<Record<TermName, number>>;

export interface WeightOptions {
  /** KD weight α (st and the DASK family); VSKD's code: 0.01 */
  alpha: number;
  /** weight β of each relational term, L_D and L_A; VSKD's code: 1 */
  beta: number;
  /** semantic weight γ; VSKD's code: 1 */
  gamma: number;
  /** KD temperature T: 4 */
  temperature: number;
  /** AT weight (RepDistiller's scripts: 1000) */
  atWeight: number;
  /** SP weight (RepDistiller's scripts: 3000) */
  spWeight: number;
}
export type WeightOption = keyof WeightOptions;

export const DEFAULT_WEIGHTS: WeightOptions = { alpha: 0.01, beta: 1, gamma: 1, temperature: 4, atWeight: 1000, spWeight: 3000 };
export const WEIGHT_OPTIONS = Object.keys(DEFAULT_WEIGHTS) as WeightOption[];

/** the option that weighs each term (cross-entropy always weighs 1) */
const termOption: Record<Exclude<TermName, 'crossEntropy'>, WeightOption> = {
  kd: 'alpha',
  rkdDistance: 'beta',
  rkdAngle: 'beta',
  semantic: 'gamma',
  attention: 'atWeight',
  similarityPreserving: 'spWeight',
};

const methodTerms: Record<MethodName, TermName[]> = {
  baseline: ['crossEntropy'],
  st: ['crossEntropy', 'kd'],
  at: ['crossEntropy', 'attention'],
  sp: ['crossEntropy', 'similarityPreserving'],
  dask: ['crossEntropy', 'kd', 'rkdDistance', 'rkdAngle', 'semantic'],
  ask: ['crossEntropy', 'kd', 'rkdAngle', 'semantic'],
  dsk: ['crossEntropy', 'kd', 'rkdDistance', 'semantic'],
  sk: ['crossEntropy', 'kd', 'semantic'],
  dak: ['crossEntropy', 'kd', 'rkdDistance', 'rkdAngle'],
};

export function isMethodName(name: string): name is MethodName {
  return (METHOD_NAMES as readonly string[]).includes(name);
}

function termsOf(method: string): TermName[] {
  if (!isMethodName(method)) throw invalid('method', `unknown distillation method '${method}'; expected one of ${METHOD_NAMES.join(', ')}`);
  return methodTerms[method];
}

/** The defaults with `options` over them, every weight checked (before training rather than at its first step). */
export function resolveWeights(options: Partial<WeightOptions>): WeightOptions {
  const resolved = { ...DEFAULT_WEIGHTS, ...options };
  for (const field of WEIGHT_OPTIONS) requireNumber(resolved[field], field, { positive: field === 'temperature' });
  return resolved;
}

/** The term weights a method uses (after defaults); unknown methods and bad weights fail here. */
export function methodWeights(method: string, options: Partial<WeightOptions> = {}): TermWeights {
  const terms = termsOf(method);
  const weights = resolveWeights(options);
  return Object.fromEntries(terms.map((term) => [term, term === 'crossEntropy' ? 1 : weights[termOption[term]]]));
}

/**
 * The weights a run asks for, checked against its method: each a valid number, and each one the method
 * uses (an α given to at would be stored and silently ignored).
 */
export function checkMethodWeights(method: string, options: Partial<WeightOptions>): void {
  methodWeights(method, options);
  const used = methodWeightOptions(method);
  for (const name of WEIGHT_OPTIONS) {
    if (options[name] !== undefined && !used.includes(name)) {
      throw invalid(name, `method ${method} has no term it weighs${used.length ? ` (it takes ${used.join(', ')})` : ''}`);
    }
  }
}

/** The options that change a method's loss: its terms' weights, and T where it has KD. */
export function methodWeightOptions(method: string): WeightOption[] {
  const terms = termsOf(method);
  const options = new Set(terms.flatMap((term) => (term === 'crossEntropy' ? [] : [termOption[term]])));
  if (terms.includes('kd')) options.add('temperature');
  return [...options];
}

function invalid(field: string, problem: string): StudioError {
  return new StudioError('INVALID_ARGUMENT', `${field}: ${problem}`, { field });
}

/** A weight or temperature option: finite, and positive or non-negative as asked. */
export function requireNumber(value: number, field: string, { positive = false } = {}): number {
  if (!Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw invalid(field, `expected a finite ${positive ? 'positive' : 'non-negative'} number, got ${value}`);
  }
  return value;
}
