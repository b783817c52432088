/**
 * The fused Adam update kernel's name and attributes, apart from its implementations (webgpuAdam.ts)
 * so that the optimiser can name it without loading a backend package.
 */
import type { NamedTensorInfoMap } from '@tensorflow/tfjs-core';

export const ADAM_UPDATE = 'VskdAdamUpdate';

export type AdamPart = 'value' | 'm' | 'v';
export const ADAM_PARTS: readonly AdamPart[] = ['value', 'm', 'v'];

/** the variable, its moments, its gradient and the bias corrections [1 − β1^t, 1 − β2^t] */
export type AdamUpdateInputs = Pick<NamedTensorInfoMap, 'w' | 'm' | 'v' | 'g' | 'corrections'>;

/** a type, not an interface: as a NamedAttrMap it then needs no cast */
export type AdamUpdateAttrs = {
  part: AdamPart;
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
};
