/**
 * Identity and Cast for @tensorflow/tfjs-backend-wasm 4.22 that share their input's memory instead of
 * copying it, as its Reshape already does and as the cpu backend's Identity does: tensor data is never
 * written in place, so a tensor and its clone can hold the same bytes (the backend counts references).
 *
 * The stock kernels copy. In training that is a full copy of every tensor a gradient keeps: the engine
 * saves a kernel's outputs for the backward pass through a clone (Identity), and the gradients of Mul,
 * Relu and others cast float32 tensors to float32. A student step at 64², batch 32, copied about 1 GB so
 * (npm run bench -- models, the per-kernel profile); the values are the same bytes either way.
 */
import { Cast, Identity, type CastAttrs, type CastInputs, type IdentityInputs, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { kernelConfig, type KernelArgs } from './compose.ts';

function shared(x: TensorInfo, backend: BackendWasm): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

function identity({ inputs, backend }: KernelArgs<IdentityInputs, object, BackendWasm>): TensorInfo {
  return shared(inputs.x, backend);
}

/**
 * The same dtype: shared. Another: converted into new memory; to bool as x ≠ 0 (the cpu backend's
 * rule: the stock wasm kernel stores the low byte, so 256 became false and 2 stayed 2).
 */
function cast({ inputs, backend, attrs }: KernelArgs<CastInputs, CastAttrs, BackendWasm>): TensorInfo {
  const { x } = inputs;
  if (x.dtype === attrs.dtype) return shared(x, backend);
  const out = backend.makeOutput(x.shape, attrs.dtype);
  const from = backend.typedArrayFromHeap(x);
  const to = backend.typedArrayFromHeap(out);
  if (attrs.dtype === 'bool') for (let k = 0; k < from.length; k++) to[k] = from[k] !== 0 ? 1 : 0;
  else to.set(from);
  return out;
}

export const WASM_SHARED_DATA_KERNELS: readonly KernelConfig[] = [kernelConfig(Identity, 'wasm', identity), kernelConfig(Cast, 'wasm', cast)];
