/**
 * Kernels for @tensorflow/tfjs-backend-wasm 4.22 by the native addon (nativeKernels.ts), on the tensors'
 * memory in the wasm heap: no copy in or out.
 * - Conv2D and its two gradients, and BatchMatMul, by oneDNN; MaxPoolGrad by a loop of ours. A call
 *   they do not cover (a dilation, NCHW, a rounding mode that makes the output larger than the padding
 *   gives, an empty tensor, broadcast batches) goes to the kernel they stand in front of.
 * - BatchNorm's training passes (batchNormKernels.ts), which the stock backend does not have.
 */
import {
  backend_util,
  BatchMatMul,
  Conv2D,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  MaxPoolGrad,
  type BatchMatMulAttrs,
  type BatchMatMulInputs,
  type Conv2DAttrs,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropFilterInputs,
  type Conv2DBackpropInputAttrs,
  type Conv2DBackpropInputInputs,
  type Conv2DInputs,
  type KernelConfig,
  type MaxPoolGradAttrs,
  type MaxPoolGradInputs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { NativeKernels } from './nativeKernels.ts';
import {
  BatchNormApply,
  BatchNormGradInput,
  BatchNormGradSums,
  ChannelMoments,
  type BatchNormApplyAttrs,
  type BatchNormGradSumsAttrs,
} from './batchNormKernels.ts';
import { kernelConfig, kernelInFrontOf, type ConvAttrs, type KernelArgs, type Shape4 } from './compose.ts';

/** the backend's kernels (or ours, wasmGradients.ts) that the native ones stand in front of */
export const FRONTED_KERNEL_NAMES = [Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter, BatchMatMul, MaxPoolGrad] as const;
export type FrontedKernel = (typeof FRONTED_KERNEL_NAMES)[number];

/** The addon's shape of a convolution (onednn.ts), or null where oneDNN's plain convolution does not apply. */
export function onednnShape(xShape: number[], filterShape: number[], attrs: ConvAttrs): number[] | null {
  if (attrs.dataFormat === 'NCHW') return null;
  const info = backend_util.computeConv2DInfo(xShape as Shape4, filterShape as Shape4, attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, outHeight, outWidth } = info;
  const { top, left, bottom, right } = info.padInfo;
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1 || Math.min(top, left, bottom, right) < 0) return null;
  // oneDNN's rule for the output's size; a 'ceil' rounding can ask for one more row than it gives
  const fits = (size: number, before: number, after: number, filter: number, stride: number, out: number) =>
    size + before + after >= filter && Math.floor((size + before + after - filter) / stride) + 1 === out;
  if (!fits(inHeight, top, bottom, filterHeight, strideHeight, outHeight) || !fits(inWidth, left, right, filterWidth, strideWidth, outWidth)) return null;
  const shape = [
    batchSize,
    inHeight,
    inWidth,
    inChannels,
    outChannels,
    filterHeight,
    filterWidth,
    strideHeight,
    strideWidth,
    top,
    left,
    bottom,
    right,
    outHeight,
    outWidth,
  ];
  return shape.some((n, k) => n === 0 && k < 9) ? null : shape;
}

/**
 * The addon's shape of a matrix product [batch, m, k, n, transposeA, transposeB], or null where it
 * does not apply: not float32, batches that broadcast, inner sizes that differ (the stock kernel says so).
 */
export function matmulShape(a: TensorInfo, b: TensorInfo, attrs: BatchMatMulAttrs): number[] | null {
  const rank = a.shape.length;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || rank < 2 || b.shape.length !== rank) return null;
  if (a.shape.slice(0, -2).join() !== b.shape.slice(0, -2).join()) return null;
  const batch = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  const [aRows, aColumns] = a.shape.slice(-2);
  const [bRows, bColumns] = b.shape.slice(-2);
  const [m, k] = attrs.transposeA ? [aColumns, aRows] : [aRows, aColumns];
  const [kB, n] = attrs.transposeB ? [bColumns, bRows] : [bRows, bColumns];
  if (k !== kB || batch * m * k * n === 0) return null;
  return [batch, m, k, n, attrs.transposeA ? 1 : 0, attrs.transposeB ? 1 : 0];
}

function heap(backend: BackendWasm, tensor: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(tensor) as Float32Array;
}

/** The native kernels, each in front of `replaced`'s kernel of the same name (for the calls it does not cover). */
export function frontKernels(addon: NativeKernels, replaced: Record<FrontedKernel, KernelConfig>): KernelConfig[] {
  function conv2D({ inputs, backend, attrs }: KernelArgs<Conv2DInputs, Conv2DAttrs, BackendWasm>): TensorInfo | null {
    const shape = inputs.x.dtype === 'float32' ? onednnShape(inputs.x.shape, inputs.filter.shape, attrs) : null;
    if (!shape) return null;
    const y = backend.makeOutput([shape[0], shape[13], shape[14], shape[4]], 'float32');
    // views after the output: making it may grow the heap, which detaches views made before
    addon.conv2d(heap(backend, inputs.x), heap(backend, inputs.filter), heap(backend, y), shape);
    return y;
  }

  function conv2DBackpropInput({ inputs, backend, attrs }: KernelArgs<Conv2DBackpropInputInputs, Conv2DBackpropInputAttrs, BackendWasm>): TensorInfo | null {
    const shape = onednnShape(attrs.inputShape, inputs.filter.shape, attrs);
    if (!shape) return null;
    const dx = backend.makeOutput(attrs.inputShape, 'float32');
    addon.conv2dBackpropInput(heap(backend, inputs.dy), heap(backend, inputs.filter), heap(backend, dx), shape);
    return dx;
  }

  function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs<Conv2DBackpropFilterInputs, Conv2DBackpropFilterAttrs, BackendWasm>): TensorInfo | null {
    const shape = onednnShape(inputs.x.shape, attrs.filterShape, attrs);
    if (!shape) return null;
    const dFilter = backend.makeOutput(attrs.filterShape, 'float32');
    addon.conv2dBackpropFilter(heap(backend, inputs.x), heap(backend, inputs.dy), heap(backend, dFilter), shape);
    return dFilter;
  }

  function batchMatMul({ inputs: { a, b }, backend, attrs }: KernelArgs<BatchMatMulInputs, BatchMatMulAttrs, BackendWasm>): TensorInfo | null {
    const shape = matmulShape(a, b, attrs);
    if (!shape) return null;
    const c = backend.makeOutput([...a.shape.slice(0, -2), shape[1], shape[3]], 'float32');
    addon.matmul(heap(backend, a), heap(backend, b), heap(backend, c), shape);
    return c;
  }

  function maxPoolGrad({ inputs: { dy, input }, backend, attrs }: KernelArgs<MaxPoolGradInputs, MaxPoolGradAttrs, BackendWasm>): TensorInfo | null {
    const info = backend_util.computePool2DInfo(input.shape as Shape4, attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
    const shape = [
      info.batchSize,
      info.inHeight,
      info.inWidth,
      info.inChannels,
      info.filterHeight,
      info.filterWidth,
      info.strideHeight,
      info.strideWidth,
      info.padInfo.top,
      info.padInfo.left,
      info.outHeight,
      info.outWidth,
    ];
    const fits = input.dtype === 'float32' && dy.shape.join() === info.outShape.join() && info.padInfo.top >= 0 && info.padInfo.left >= 0;
    if (!fits) return null;
    const dx = backend.makeOutput(input.shape, 'float32');
    addon.maxPoolGrad(heap(backend, dy), heap(backend, input), heap(backend, dx), shape);
    return dx;
  }

  // a stock kernel's setupFunc, kept, binds the wasm function it calls when it takes the call back
  return [
    kernelInFrontOf(replaced[Conv2D], conv2D),
    kernelInFrontOf(replaced[Conv2DBackpropInput], conv2DBackpropInput),
    kernelInFrontOf(replaced[Conv2DBackpropFilter], conv2DBackpropFilter),
    kernelInFrontOf(replaced[BatchMatMul], batchMatMul),
    kernelInFrontOf(replaced[MaxPoolGrad], maxPoolGrad),
  ];
}

interface ChannelMomentsInputs {
  x: TensorInfo;
}
interface BatchNormApplyInputs {
  x: TensorInfo;
  scale: TensorInfo;
  shift: TensorInfo;
  residual?: TensorInfo;
}
interface BatchNormGradInputs {
  dy: TensorInfo;
  y?: TensorInfo;
  x: TensorInfo;
  mean: TensorInfo;
}

/** BatchNorm's training passes (batchNormKernels.ts) by the addon. */
export function batchNormKernels(addon: NativeKernels): KernelConfig[] {
  const channelsOf = (x: TensorInfo) => x.shape[x.shape.length - 1];
  const optional = (backend: BackendWasm, tensor: TensorInfo | undefined) => (tensor ? heap(backend, tensor) : null);

  function channelMoments({ inputs: { x }, backend }: { inputs: ChannelMomentsInputs; backend: BackendWasm; attrs: object }): TensorInfo[] {
    const mean = backend.makeOutput([channelsOf(x)], 'float32');
    const variance = backend.makeOutput([channelsOf(x)], 'float32');
    addon.channelMoments(heap(backend, x), heap(backend, mean), heap(backend, variance));
    return [mean, variance];
  }

  function batchNormApply({ inputs, backend, attrs }: { inputs: BatchNormApplyInputs; backend: BackendWasm; attrs: BatchNormApplyAttrs }): TensorInfo {
    const y = backend.makeOutput(inputs.x.shape, 'float32');
    addon.batchNormApply(
      heap(backend, inputs.x),
      heap(backend, inputs.scale),
      heap(backend, inputs.shift),
      optional(backend, inputs.residual),
      heap(backend, y),
      attrs.relu,
    );
    return y;
  }

  function batchNormGradSums({ inputs, backend, attrs }: { inputs: BatchNormGradInputs; backend: BackendWasm; attrs: BatchNormGradSumsAttrs }): TensorInfo[] {
    const sums = backend.makeOutput([2 * channelsOf(inputs.x)], 'float32');
    const g = attrs.withG ? backend.makeOutput(inputs.dy.shape, 'float32') : undefined;
    addon.batchNormGradSums(
      heap(backend, inputs.dy),
      optional(backend, inputs.y),
      heap(backend, inputs.x),
      heap(backend, inputs.mean),
      heap(backend, sums),
      optional(backend, g),
      attrs.samples,
    );
    return g ? [sums, g] : [sums];
  }

  function batchNormGradInput({
    inputs,
    backend,
  }: {
    inputs: BatchNormGradInputs & { coefficients: TensorInfo };
    backend: BackendWasm;
    attrs: object;
  }): TensorInfo {
    const dx = backend.makeOutput(inputs.dy.shape, 'float32');
    const { dy, y, x, mean, coefficients } = inputs;
    addon.batchNormGradInput(heap(backend, dy), optional(backend, y), heap(backend, x), heap(backend, mean), heap(backend, coefficients), heap(backend, dx));
    return dx;
  }

  return [
    kernelConfig(ChannelMoments, 'wasm', channelMoments),
    kernelConfig(BatchNormApply, 'wasm', batchNormApply),
    kernelConfig(BatchNormGradSums, 'wasm', batchNormGradSums),
    kernelConfig(BatchNormGradInput, 'wasm', batchNormGradInput),
  ];
}
