/**
 * The native kernels for the wasm backend's tensors: oneDNN's convolutions and matrix products (the
 * library PyTorch's CPU convolutions use), BatchNorm's training passes and the max-pool's gradient, in
 * the addon built from native/ by
 * `npm run build:native` (npm install runs it; it needs g++ and Debian's libdnnl-dev). Optional:
 * without it, or with VSKD_NATIVE=0, wasm convolves with XNNPACK and our composed gradients
 * (wasmGradients.ts) and normalises with its element-wise kernels, 3–6× slower a training step.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The addon's functions. A convolution's shape is [batch, in height, in width, in channels, out
 * channels, filter height, filter width, stride height, stride width, pad top, pad left, pad bottom,
 * pad right, out height, out width]; its tensors are views of float32 NHWC activations and HWIO filters.
 */
export interface NativeKernels {
  conv2d(x: Float32Array, filter: Float32Array, y: Float32Array, shape: number[]): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, shape: number[]): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dFilter: Float32Array, shape: number[]): void;
  /**
   * c[i] = op(a[i])·op(b[i]) for each of the batch's row-major matrices, op transposing where asked:
   * shape [batch, m, k, n, transposeA (0 or 1), transposeB]
   */
  matmul(a: Float32Array, b: Float32Array, c: Float32Array, shape: number[]): void;
  /**
   * dx of a max-pool: each output's gradient to its window's first largest input; shape [batch, in
   * height, in width, channels, filter height, filter width, stride height, stride width, pad top, pad
   * left, out height, out width]
   */
  maxPoolGrad(dy: Float32Array, x: Float32Array, dx: Float32Array, shape: number[]): void;
  /** the threads the kernels use for the calls of this JavaScript thread (1 until set) */
  setThreads(threads: number): void;
  onednnVersion(): string;
  /** each channel's mean and biased variance over x's rows (x: rows × channels) */
  channelMoments(x: Float32Array, mean: Float32Array, variance: Float32Array): void;
  /** y = relu?(x·scale + shift + residual?) */
  batchNormApply(x: Float32Array, scale: Float32Array, shift: Float32Array, residual: Float32Array | null, y: Float32Array, relu: boolean): void;
  /**
   * g = dy through the ReLU whose output is y (none: null); sums = [Σ g, Σ g·(x − mean)], each sample's
   * rows summed first; g written where given
   */
  batchNormGradSums(
    dy: Float32Array,
    y: Float32Array | null,
    x: Float32Array,
    mean: Float32Array,
    sums: Float32Array,
    g: Float32Array | null,
    samples: number,
  ): void;
  /** dx = (g − a − (x − mean)·b)·c, coefficients = [a, b, c] */
  batchNormGradInput(dy: Float32Array, y: Float32Array | null, x: Float32Array, mean: Float32Array, coefficients: Float32Array, dx: Float32Array): void;
}

export type NativeLoad = { addon: NativeKernels; version: string } | { addon: null; reason: string };

/** where node-gyp puts the addon, from the package's root */
export const NATIVE_ADDON_PATH = 'main/train/kernels/native/build/Release/vskd_native.node';

let loaded: NativeLoad | undefined;

/** The addon, loaded once per thread; or why it is not there. */
export function loadNativeKernels(): NativeLoad {
  loaded ??= load();
  return loaded;
}

function load(): NativeLoad {
  if (process.env.VSKD_NATIVE === '0') return { addon: null, reason: 'VSKD_NATIVE=0' };
  const path = nativeAddonPath();
  if (!path) return { addon: null, reason: `not built (npm run build:native, with libdnnl-dev installed)` };
  try {
    const addon = createRequire(import.meta.url)(path) as NativeKernels;
    return { addon, version: `oneDNN ${addon.onednnVersion()}` };
  } catch (err) {
    // e.g. libdnnl.so.2 gone since the build: the first line says which
    return { addon: null, reason: (err instanceof Error ? err.message : String(err)).split('\n')[0] };
  }
}

/** The addon in the package this module belongs to (run from the sources, or bundled into out/), if built. */
export function nativeAddonPath(): string | null {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, NATIVE_ADDON_PATH);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/** The native kernels a run on `backend` computes with: wasm's, where the addon loads. */
export function nativeKernelsFor(backend: string): NativeKernels | null {
  return backend === 'wasm' ? loadNativeKernels().addon : null;
}
