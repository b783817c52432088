/**
 * Our kernels for each backend, registered when it activates (backendsAvailable.ts), in place of its
 * own or beside them. A backend's kernels are imported only then: they import its package, and
 * tfjs-backend-webgpu registers itself only if navigator.gpu exists when it is first imported.
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';

const BACKEND_KERNELS = {
  wasm: async () => {
    const [{ WASM_GRADIENT_KERNELS }, { WASM_SHARED_DATA_KERNELS }] = await Promise.all([import('./wasmGradients.ts'), import('./wasmSharedData.ts')]);
    return [...WASM_GRADIENT_KERNELS, ...WASM_SHARED_DATA_KERNELS];
  },
  webgpu: async () => {
    const [{ WEBGPU_GRADIENT_KERNELS }, { WEBGPU_ADAM_KERNEL }] = await Promise.all([import('./webgpuGradients.ts'), import('./webgpuAdam.ts')]);
    return [...WEBGPU_GRADIENT_KERNELS, WEBGPU_ADAM_KERNEL];
  },
} satisfies Record<string, () => Promise<readonly KernelConfig[]>>;

export type BackendWithKernels = keyof typeof BACKEND_KERNELS;

/** Registers our kernels for `backendName` in place of the stock ones (again: no-op); resolves to them. */
export async function registerBackendKernels(backendName: BackendWithKernels): Promise<readonly KernelConfig[]> {
  const kernels = await BACKEND_KERNELS[backendName]();
  for (const kernel of kernels) {
    const current = getKernel(kernel.kernelName, kernel.backendName);
    if (current === kernel) continue;
    // Unregister first: registering over the stock kernel would only log a warning and still replace it.
    if (current) unregisterKernel(kernel.kernelName, kernel.backendName);
    registerKernel(kernel);
  }
  return kernels;
}
