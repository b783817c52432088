/**
 * Tensors of @tensorflow/tfjs-backend-wasm 4.22 that are views of part of another tensor's memory, for
 * kernels that hand the backend's own kernels a window of a buffer without copying it (the filter
 * gradient's shifted patch rows, wasmGradients.ts). A view is registered with the module as a tensor
 * at that address and released by unregistering it only: its memory belongs to the tensor it views,
 * which must outlive it (the backend's disposeData would free the address: never call it on a view).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

const FLOAT32_BYTES = 4;

/** Runs `body` with a float32 view of `shape` starting `offset` values into `base`; returns what it returns. */
export function withHeapView<T>(backend: BackendWasm, base: TensorInfo, offset: number, shape: number[], body: (view: TensorInfo) => T): T {
  const baseData = backend.dataIdMap.get(base.dataId);
  if (!baseData || base.dtype !== 'float32') throw new Error('withHeapView: the base must be a live float32 tensor of this backend');
  const size = shape.reduce((a, b) => a * b, 1);
  const baseSize = base.shape.reduce((a, b) => a * b, 1);
  if (offset < 0 || offset + size > baseSize) throw new Error(`withHeapView: values ${offset}…${offset + size} lie outside the base's ${baseSize}`);
  const view = backend.makeOutput(shape, 'float32', baseData.memoryOffset + offset * FLOAT32_BYTES);
  try {
    return body(view);
  } finally {
    const { id } = backend.dataIdMap.get(view.dataId)!;
    backend.dataIdMap.delete(view.dataId);
    backend.wasm.tfjs.disposeData(id);
  }
}
