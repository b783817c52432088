/**
 * Our kernels for each backend, registered when it activates (backendsAvailable.ts), in place of its
 * own or beside them. A backend's kernels are imported only then: they import its package, and
 * tfjs-backend-webgpu registers itself only if navigator.gpu exists when it is first imported.
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';

let wasmKernels: Promise<readonly KernelConfig[]> | undefined;

/**
 * Ours for wasm; with the native addon built (nativeKernels.ts), its kernels in front of the stock ones
 * and our composed gradients, which keep the calls it does not cover (wasmNative.ts), and BatchNorm's
 * training passes. Made once: registering again is a no-op.
 */
async function wasmKernelsOnce(): Promise<readonly KernelConfig[]> {
  const [{ WASM_GRADIENT_KERNELS }, { WASM_SHARED_DATA_KERNELS }, { loadNativeKernels }] = await Promise.all([
    import('./wasmGradients.ts'),
    import('./wasmSharedData.ts'),
    import('./nativeKernels.ts'),
  ]);
  const own = [...WASM_GRADIENT_KERNELS, ...WASM_SHARED_DATA_KERNELS];
  const { addon } = loadNativeKernels();
  if (!addon) return own;
  const { batchNormKernels, frontKernels, FRONTED_KERNEL_NAMES } = await import('./wasmNative.ts');
  // ours where we have one (the composed gradients), else the stock kernel
  const replaced = Object.fromEntries(
    FRONTED_KERNEL_NAMES.map((name) => {
      const kernel = WASM_GRADIENT_KERNELS.find((k) => k.kernelName === name) ?? getKernel(name, 'wasm');
      if (!kernel) throw new Error(`@tensorflow/tfjs-backend-wasm registered no ${name}`);
      return [name, kernel];
    }),
  ) as Record<(typeof FRONTED_KERNEL_NAMES)[number], KernelConfig>;
  const names: readonly string[] = FRONTED_KERNEL_NAMES;
  return [...own.filter((k) => !names.includes(k.kernelName)), ...frontKernels(addon, replaced), ...batchNormKernels(addon)];
}

const BACKEND_KERNELS = {
  wasm: () => (wasmKernels ??= wasmKernelsOnce()),
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
