/**
 * One Adam update of a variable in a single WebGPU dispatch per output (the new value, first and
 * second moment), instead of the fourteen element-wise kernels of tfjs' AdamOptimizer: on a GPU a
 * training step of many small variables is bound by the number of dispatches, not by arithmetic.
 * The three outputs are three dispatches of one shader, each reading the old state; the caller
 * assigns them only after all three ran. Same formula as tfjs' AdamOptimizer.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { webgpu_util, type WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { ADAM_PARTS, ADAM_UPDATE, type AdamPart, type AdamUpdateAttrs, type AdamUpdateInputs } from './adamUpdate.ts';
import { kernelConfig, type KernelArgs } from './compose.ts';

/** tfjs-backend-webgpu's program contract (the package does not export its name). */
type WebGPUProgram = Parameters<WebGPUBackend['runWebGPUProgram']>[0];

class AdamUpdateProgram implements WebGPUProgram {
  readonly variableNames = ['W', 'M', 'V', 'G', 'C'];
  readonly workgroupSize: [number, number, number] = [64, 1, 1];
  readonly size = true;
  readonly uniforms = 'learningRate : f32, beta1 : f32, beta2 : f32, epsilon : f32,';
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly shaderKey: string;

  constructor(
    size: number,
    private readonly part: AdamPart,
  ) {
    this.outputShape = [size];
    this.dispatchLayout = webgpu_util.flatDispatchLayout(this.outputShape);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, this.outputShape, this.workgroupSize);
    this.shaderKey = `vskdAdamUpdate_${part}`;
  }

  /**
   * C holds the bias corrections [1 − β1^t, 1 − β2^t], computed on the device. Every part computes
   * all three values: the pipeline's bind group layout keeps only the inputs its shader uses.
   */
  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let g = G[index];
          let m = uniforms.beta1 * M[index] + (1.0 - uniforms.beta1) * g;
          let v = uniforms.beta2 * V[index] + (1.0 - uniforms.beta2) * (g * g);
          let value = W[index] - uniforms.learningRate * (m / C[0]) / (sqrt(v / C[1]) + uniforms.epsilon);
          setOutputAtIndex(index, ${this.part});
        }
      }
    `;
  }
}

function adamUpdate({ inputs, backend, attrs }: KernelArgs<AdamUpdateInputs, AdamUpdateAttrs, WebGPUBackend>): TensorInfo {
  const { w, m, v, g, corrections } = inputs;
  const { part, learningRate, beta1, beta2, epsilon } = attrs;
  if (!ADAM_PARTS.includes(part)) throw new Error(`${ADAM_UPDATE}: part must be one of ${ADAM_PARTS.join(', ')}, got ${String(part)}`);
  const size = w.shape.reduce((a, b) => a * b, 1);
  const program = new AdamUpdateProgram(size, part);
  const uniforms = [
    { type: 'float32', data: [learningRate] },
    { type: 'float32', data: [beta1] },
    { type: 'float32', data: [beta2] },
    { type: 'float32', data: [epsilon] },
  ];
  // flat views: the shader indexes every input by the output's flat index
  const flat = (t: TensorInfo): TensorInfo => ({ ...t, shape: [t.shape.reduce((a, b) => a * b, 1)] });
  const out = backend.runWebGPUProgram(program, [flat(w), flat(m), flat(v), flat(g), corrections], 'float32', uniforms);
  return { ...out, shape: [...w.shape] };
}

/** The fused update, registered for 'webgpu' when it activates (register.ts). */
export const WEBGPU_ADAM_KERNEL: KernelConfig = kernelConfig(ADAM_UPDATE, 'webgpu', adamUpdate);
