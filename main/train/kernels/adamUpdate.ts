/**
 * The fused Adam update kernel's name and attributes, apart from its implementations (webgpuAdam.ts)
 * so that the optimiser can name it without loading a backend package.
 */
export const ADAM_UPDATE = 'VskdAdamUpdate';

export type AdamPart = 'value' | 'm' | 'v';
export const ADAM_PARTS: readonly AdamPart[] = ['value', 'm', 'v'];

export interface AdamUpdateAttrs {
  part: AdamPart;
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}
