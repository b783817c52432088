/**
 * Building kernels out of other kernels of the same backend, called directly on it (not through tf
 * ops: nothing reaches a gradient tape, and every intermediate is freed here), the typed configs they
 * are registered by (register.ts), and the convolution geometry that the gradient kernels of
 * wasmGradients.ts and webgpuGradients.ts share.
 */
import {
  backend_util,
  getKernel,
  PadV2,
  Reshape,
  Slice,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { StudioError } from '../../shared/errors.ts';

export type Shape4 = [number, number, number, number];
type Padding = 'same' | 'valid' | number | backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil';

export interface ConvAttrs {
  strides: number | [number, number];
  pad: Padding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: Rounding;
  dilations?: number | [number, number];
}

/**
 * A kernel's arguments by tfjs-core's types for its op (Conv2DBackpropFilterInputs, ...Attrs). Those
 * input types are picked from NamedTensorInfoMap, which lets every name be undefined; the op that runs
 * the kernel passes all of them.
 */
export interface KernelArgs<Inputs extends object, Attrs extends object, Backend extends KernelBackend = KernelBackend> {
  inputs: { [Name in keyof Inputs]-?: NonNullable<Inputs[Name]> };
  backend: Backend;
  attrs: Attrs;
}

/**
 * The registry's config for a typed kernel. The registry types every kernel alike (a NamedTensorInfoMap,
 * a NamedAttrMap, any backend); the engine calls a kernel with its op's inputs and attributes on the
 * backend it is registered for, which is what the kernel's own types say: this is the one place that
 * narrows the registry's types to them.
 */
export function kernelConfig<Inputs extends object, Attrs extends object, Backend extends KernelBackend>(
  kernelName: string,
  backendName: string,
  kernel: (args: { inputs: Inputs; backend: Backend; attrs: Attrs }) => TensorInfo | TensorInfo[],
): KernelConfig {
  return { kernelName, backendName, kernelFunc: kernel as KernelFunc };
}

/**
 * `replaced` (another backend's or the stock kernel, setup included) with `kernel` in front: `kernel`
 * answers null for a call it does not cover, which `replaced` then runs. Types narrowed as kernelConfig's.
 */
export function kernelInFrontOf<Inputs extends object, Attrs extends object, Backend extends KernelBackend>(
  replaced: KernelConfig,
  kernel: (args: { inputs: Inputs; backend: Backend; attrs: Attrs }) => TensorInfo | null,
): KernelConfig {
  const own = kernel as (args: Parameters<KernelFunc>[0]) => TensorInfo | null;
  return { ...replaced, kernelFunc: (args) => own(args) ?? replaced.kernelFunc(args) };
}

/** Runs a backend's kernels directly on it, keeping track of what they allocate. */
export interface Scope {
  /** `inputs` is a list for the kernels that take one (Concat), as tfjs-core's ConcatInputs says. */
  run(kernelName: string, inputs: NamedTensorInfoMap | TensorInfo[], attrs?: NamedAttrMap): TensorInfo;
  /** Tracks a tensor made on the backend outside `run` (freed with the rest); returns it. */
  track(info: TensorInfo): TensorInfo;
}

/**
 * Runs `body` on `backend`; frees every intermediate except the result. (A Reshape shares its input's
 * data and counts a reference, so freeing the input of a returned reshape only drops that count.)
 */
export function composed(backendName: string, backend: KernelBackend, body: (scope: Scope) => TensorInfo): TensorInfo {
  const intermediates = new Set<TensorInfo>();
  const scope: Scope = {
    run(kernelName, inputs, attrs = {}) {
      // The registry's KernelFunc type has no list inputs; the list kernels take theirs as given.
      const out = getKernel(kernelName, backendName).kernelFunc({ inputs: inputs as NamedTensorInfoMap, attrs, backend }) as TensorInfo;
      intermediates.add(out);
      return out;
    },
    track(info) {
      intermediates.add(info);
      return info;
    },
  };
  const result = body(scope);
  intermediates.delete(result);
  for (const info of intermediates) backend.disposeData(info.dataId);
  return result;
}

export function reshape(scope: Scope, x: TensorInfo, shape: number[]): TensorInfo {
  return scope.run(Reshape, { x }, { shape });
}

/** Pads (positive amounts) or crops (negative amounts) the rows and columns of an NHWC tensor. */
export function padOrCrop(scope: Scope, x: TensorInfo, top: number, bottom: number, left: number, right: number): TensorInfo {
  const [batch, height, width, channels] = x.shape as Shape4;
  let out = x;
  if (Math.min(top, bottom, left, right) < 0) {
    const [cropTop, cropBottom, cropLeft, cropRight] = [top, bottom, left, right].map((p) => Math.max(0, -p));
    const size = [batch, height - cropTop - cropBottom, width - cropLeft - cropRight, channels];
    out = scope.run(Slice, { x: out }, { begin: [0, cropTop, cropLeft, 0], size });
  }
  if (Math.max(top, bottom, left, right) > 0) {
    const [padTop, padBottom, padLeft, padRight] = [top, bottom, left, right].map((p) => Math.max(0, p));
    const paddings = [
      [0, 0],
      [padTop, padBottom],
      [padLeft, padRight],
      [0, 0],
    ];
    out = scope.run(PadV2, { x: out }, { paddings, constantValue: 0 });
  }
  return out;
}

/** [B, H, W, C] → [B, H·sh, W·sw, C] with each pixel followed by sh−1 zero rows and sw−1 zero columns. */
export function insertZeros(scope: Scope, x: TensorInfo, sh: number, sw: number): TensorInfo {
  const [batch, height, width, channels] = x.shape as Shape4;
  let out = x;
  // each input row (column) as an image of one row (column), padded with zeros below (to the right)
  if (sh > 1) out = padOrCrop(scope, reshape(scope, out, [batch * height, 1, width, channels]), 0, sh - 1, 0, 0);
  if (sw > 1) out = padOrCrop(scope, reshape(scope, out, [batch * height * sh, width, 1, channels]), 0, 0, 0, sw - 1);
  return reshape(scope, out, [batch, height * sh, width * sw, channels]);
}

export function convInfo(backendName: string, xShape: number[], filterShape: number[], attrs: ConvAttrs, depthwise: boolean): backend_util.Conv2DInfo {
  if (attrs.dataFormat === 'NCHW') {
    throw new StudioError('INVALID_ARGUMENT', `dataFormat: ${backendName} convolution gradients support NHWC only`, { field: 'dataFormat' });
  }
  const info = backend_util.computeConv2DInfo(
    xShape as Shape4,
    filterShape as Shape4,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
  );
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) {
    throw new StudioError('INVALID_ARGUMENT', `dilations: ${backendName} convolution gradients support dilation 1 only`, { field: 'dilations' });
  }
  return info;
}

/**
 * The forward input, padded as the forward pass pads it and then cropped or padded at the bottom/right
 * so that exactly filterHeight + (outHeight − 1)·strideHeight rows (and likewise columns) remain.
 */
export function paddedForwardInput(scope: Scope, x: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { filterHeight, filterWidth, strideHeight, strideWidth, inHeight, inWidth, outHeight, outWidth, padInfo } = info;
  const bottom = filterHeight + (outHeight - 1) * strideHeight - inHeight - padInfo.top;
  const right = filterWidth + (outWidth - 1) * strideWidth - inWidth - padInfo.left;
  return padOrCrop(scope, x, padInfo.top, bottom, padInfo.left, right);
}
