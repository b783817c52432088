/**
 * Convolution gradient kernels for @tensorflow/tfjs-backend-wasm 4.22.
 *
 * The wasm backend registers Conv2DBackpropInput but not Conv2DBackpropFilter,
 * DepthwiseConv2dNativeBackpropInput or DepthwiseConv2dNativeBackpropFilter, so `tf.grads` through a
 * convolution fails there. Each kernel below is composed from kernels the backend has, called directly
 * on the backend (not through tf ops: nothing reaches a gradient tape, every intermediate is freed here):
 * - Conv2DBackpropFilter: one XNNPACK matrix product (the backend's BatchMatMul) per filter tap, of the
 *   input's pixels under that tap (a shifted view of the input, written once by stride phase) with the
 *   output gradient. (It was one Conv2D with the output gradient as a 64×64 'filter': 2–10× slower.)
 * - Conv2DBackpropInput (replaces the stock one, a plain loop about 20× slower than the forward pass):
 *   a Conv2D of the padded output gradient with the spatially flipped filter whose in/out channels are
 *   swapped; for stride s, one such Conv2D per stride phase of the input with that phase's filter taps.
 * - DepthwiseConv2dNativeBackpropInput: the same construction with a depthwise convolution.
 * - DepthwiseConv2dNativeBackpropFilter: one depthwise convolution of the input with the output gradient
 *   as its filter, dilated by the stride, the batch moved into the channels and summed out afterwards
 *   (3.5× faster than a slice-multiply-sum per filter tap).
 * NHWC, dilation 1 (tfjs' gradients of Conv2D and depthwise convolutions require dilation 1 anyway).
 */
import {
  backend_util,
  BatchMatMul,
  Concat,
  Conv2D,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  DepthwiseConv2dNative,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  Reverse,
  Sum,
  Transpose,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropFilterInputs,
  type Conv2DBackpropInputAttrs,
  type Conv2DBackpropInputInputs,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type DepthwiseConv2dNativeBackpropFilterInputs,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type DepthwiseConv2dNativeBackpropInputInputs,
  type KernelConfig,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { withHeapView } from './wasmHeapViews.ts';
import { composed, convInfo, insertZeros, kernelConfig, padOrCrop, paddedForwardInput, reshape, type KernelArgs, type Scope, type Shape4 } from './compose.ts';

/**
 * The output gradient spread back onto the input grid (zeros between strided pixels) and padded so that
 * a stride-1 'valid' correlation with the flipped filter gives exactly inHeight × inWidth.
 */
function spreadOutputGradient(scope: Scope, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { filterHeight, filterWidth, strideHeight, strideWidth, inHeight, inWidth, outHeight, outWidth, padInfo } = info;
  const spread = insertZeros(scope, dy, strideHeight, strideWidth);
  return padOrCrop(
    scope,
    spread,
    filterHeight - 1 - padInfo.top,
    inHeight + padInfo.top - outHeight * strideHeight,
    filterWidth - 1 - padInfo.left,
    inWidth + padInfo.left - outWidth * strideWidth,
  );
}

/**
 * The filter gradient as one matrix product per filter tap (XNNPACK's, through the backend's
 * BatchMatMul), with no im2col copy: dW[kh, kw] = P_(kh, kw) · dy, P_(kh, kw)[ci, r] the input pixel
 * that tap (kh, kw) meets at output position r.
 *
 * The output positions are laid on a grid of the output's rows and columns plus as many more as the
 * filter reaches (the output gradient zero-padded onto it). The padded input is written once, as its
 * stride phases x_p[b, s·i + a, s·j + c, ci] (for each a, c < s) laid out [Ci, grid positions]. Tap
 * (kh, kw) reads phase (kh mod s, kw mod s) at the output position shifted by (⌊kh/s⌋, ⌊kw/s⌋): in the
 * flattened grid a constant offset, so P_(kh, kw) is the phase's [Ci, positions] rows read from that
 * offset: a view of the same memory (wasmHeapViews.ts). Grid positions outside the output have a zero
 * gradient, so what a shifted row reads there (the next sample, the next row, the zeros after the
 * last) adds nothing.
 */
function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs<Conv2DBackpropFilterInputs, Conv2DBackpropFilterAttrs, BackendWasm>): TensorInfo {
  const { x, dy } = inputs;
  const info = convInfo('wasm', x.shape, attrs.filterShape, attrs, false);
  const { inChannels, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, outHeight, outWidth } = info;
  const grid = { height: outHeight - 1 + Math.ceil(filterHeight / strideHeight), width: outWidth - 1 + Math.ceil(filterWidth / strideWidth) };
  const positions = info.batchSize * grid.height * grid.width;
  // the phases some tap reads (a 1×1 filter of stride 2 reads one of four)
  const used = { high: Math.min(strideHeight, filterHeight), wide: Math.min(strideWidth, filterWidth) };
  const taps: { offset: number }[] = [];
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      const phase = (kh % strideHeight) * used.wide + (kw % strideWidth);
      taps.push({ offset: phase * inChannels * positions + Math.floor(kh / strideHeight) * grid.width + Math.floor(kw / strideWidth) });
    }
  }
  const tail = Math.floor((filterHeight - 1) / strideHeight) * grid.width + Math.floor((filterWidth - 1) / strideWidth);
  return composed('wasm', backend, (scope) => {
    const phases = scope.track(backend.makeOutput([used.high * used.wide * inChannels * positions + tail], 'float32'));
    writePhases(backend, x, phases, info, grid, used);
    const dyGrid = padOrCrop(scope, dy, 0, grid.height - outHeight, 0, grid.width - outWidth); // [B, gh, gw, Co]
    // XNNPACK packs the output gradient once for all taps and caches the packed copy on the tensor's
    // id until that tensor is freed; a view of its own, freed here, keeps it from living as long as dy
    // (which dyGrid is when no padding was needed)
    const perTap = withHeapView(backend, dyGrid, 0, [1, positions, outChannels], (b) =>
      taps.map(({ offset }) =>
        withHeapView(backend, phases, offset, [1, inChannels, positions], (a) => scope.run(BatchMatMul, { a, b }, { transposeA: false, transposeB: false })),
      ),
    ); // each [1, Ci, Co]
    const grad = perTap.length === 1 ? perTap[0] : scope.run(Concat, perTap, { axis: 1 });
    return reshape(scope, grad, [filterHeight, filterWidth, inChannels, outChannels]);
  });
}

/**
 * The input, padded as the forward pass pads it (zeros up to s × the grid), as the stride phases that
 * taps read: phases[((a·used.wide + c)·Ci + ci)·positions + (b·gh + i)·gw + j] = x_p[b, s·i + a, s·j + c, ci];
 * zeros after.
 */
function writePhases(
  backend: BackendWasm,
  x: TensorInfo,
  phases: TensorInfo,
  info: backend_util.Conv2DInfo,
  grid: { height: number; width: number },
  used: { high: number; wide: number },
): void {
  const { batchSize, inHeight, inWidth, inChannels, strideHeight, strideWidth, padInfo } = info;
  const from = backend.typedArrayFromHeap(x) as Float32Array;
  const to = backend.typedArrayFromHeap(phases) as Float32Array;
  const positions = batchSize * grid.height * grid.width;
  to.fill(0);
  for (let b = 0; b < batchSize; b++) {
    for (let y = 0; y < inHeight; y++) {
      const row = y + padInfo.top; // in the padded input
      if (row >= grid.height * strideHeight) break; // rows the filter never reaches ('valid')
      if (row % strideHeight >= used.high) continue;
      const rowBase = (b * grid.height + Math.floor(row / strideHeight)) * grid.width;
      const rowPhase = (row % strideHeight) * used.wide;
      for (let xx = 0; xx < inWidth; xx++) {
        const column = xx + padInfo.left;
        if (column >= grid.width * strideWidth) break;
        if (column % strideWidth >= used.wide) continue;
        const target = (rowPhase + (column % strideWidth)) * inChannels * positions + rowBase + Math.floor(column / strideWidth);
        const source = ((b * inHeight + y) * inWidth + xx) * inChannels;
        for (let ci = 0; ci < inChannels; ci++) to[target + ci * positions] = from[source + ci];
      }
    }
  }
}

/**
 * dx = correlation of the output gradient with the flipped, channel-swapped filter. Stride 1: one
 * Conv2D of the padded output gradient. Stride s > 1: split by the stride phases of the (padded) input,
 * dx_p[b, s·i + a, s·j + c] = Σ_{m, n} dy[b, i − m, j − n] · W[a + s·m, c + s·n]: one stride-1 Conv2D per
 * phase with that phase's taps of the filter, interleaved into dx. (Zeros inserted between the
 * output-gradient pixels, as before, did the same with s² times the multiply-adds, nearly all of zeros.)
 */
function conv2DBackpropInput({ inputs, backend, attrs }: KernelArgs<Conv2DBackpropInputInputs, Conv2DBackpropInputAttrs, BackendWasm>): TensorInfo {
  const { dy, filter } = inputs;
  const info = convInfo('wasm', attrs.inputShape, filter.shape, attrs, false);
  const { strideHeight, strideWidth, filterHeight, filterWidth, outHeight, outWidth } = info;
  if (strideHeight === 1 && strideWidth === 1) {
    return composed('wasm', backend, (scope) => {
      // flipped and swapped in one pass: the backend's Reverse is a scalar loop, 10× a Transpose
      const swapped = scope.track(backend.makeOutput([filterHeight, filterWidth, info.outChannels, info.inChannels], 'float32'));
      fillPhaseFilter(backend, filter, swapped, 0, 0, 1, 1);
      const spread = spreadOutputGradient(scope, dy, info);
      return scope.run(Conv2D, { x: spread, filter: swapped }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1 });
    });
  }
  // the phases' common grid: the output's rows and columns plus as many as the filter reaches
  const gridHeight = outHeight - 1 + Math.ceil(filterHeight / strideHeight);
  const gridWidth = outWidth - 1 + Math.ceil(filterWidth / strideWidth);
  return composed('wasm', backend, (scope) => {
    const phases: (TensorInfo | null)[] = [];
    for (let a = 0; a < strideHeight; a++) {
      for (let c = 0; c < strideWidth; c++) {
        const tapsHigh = Math.ceil((filterHeight - a) / strideHeight);
        const tapsWide = Math.ceil((filterWidth - c) / strideWidth);
        if (tapsHigh <= 0 || tapsWide <= 0) {
          phases.push(null); // no tap of the filter lands on this phase: its gradient is zero
          continue;
        }
        const phaseFilter = scope.track(backend.makeOutput([tapsHigh, tapsWide, info.outChannels, info.inChannels], 'float32'));
        fillPhaseFilter(backend, filter, phaseFilter, a, c, strideHeight, strideWidth);
        const padded = padOrCrop(scope, dy, tapsHigh - 1, gridHeight - outHeight, tapsWide - 1, gridWidth - outWidth);
        phases.push(scope.run(Conv2D, { x: padded, filter: phaseFilter }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1 }));
      }
    }
    const dx = scope.track(backend.makeOutput(attrs.inputShape, 'float32'));
    interleavePhases(backend, phases, dx, info, gridHeight, gridWidth);
    return dx;
  });
}

/** Phase (a, c)'s taps of the filter [kh, kw, Ci, Co], flipped and with in/out channels swapped: [m, n, Co, Ci]. */
function fillPhaseFilter(backend: BackendWasm, filter: TensorInfo, out: TensorInfo, a: number, c: number, strideHeight: number, strideWidth: number): void {
  const [, filterWidth, inChannels, outChannels] = filter.shape as Shape4;
  const [tapsHigh, tapsWide] = out.shape as Shape4;
  const from = backend.typedArrayFromHeap(filter) as Float32Array;
  const to = backend.typedArrayFromHeap(out) as Float32Array;
  for (let m = 0; m < tapsHigh; m++) {
    for (let n = 0; n < tapsWide; n++) {
      const kh = a + strideHeight * (tapsHigh - 1 - m);
      const kw = c + strideWidth * (tapsWide - 1 - n);
      const source = (kh * filterWidth + kw) * inChannels * outChannels;
      const target = (m * tapsWide + n) * outChannels * inChannels;
      for (let ci = 0; ci < inChannels; ci++) {
        for (let co = 0; co < outChannels; co++) to[target + co * inChannels + ci] = from[source + ci * outChannels + co];
      }
    }
  }
}

/**
 * dx[b, y, x] = phase ((y + top) mod sh, (x + left) mod sw) at ((y + top) div sh, (x + left) div sw);
 * zero where no phase has a value (no tap, or past the grid: input rows the filter never reaches).
 */
function interleavePhases(
  backend: BackendWasm,
  phases: readonly (TensorInfo | null)[],
  dx: TensorInfo,
  info: backend_util.Conv2DInfo,
  gridHeight: number,
  gridWidth: number,
): void {
  const { batchSize, inHeight, inWidth, inChannels, strideHeight, strideWidth, padInfo } = info;
  const out = backend.typedArrayFromHeap(dx) as Float32Array;
  const views = phases.map((phase) => (phase ? (backend.typedArrayFromHeap(phase) as Float32Array) : null));
  let target = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let y = 0; y < inHeight; y++) {
      const row = Math.floor((y + padInfo.top) / strideHeight);
      const a = (y + padInfo.top) % strideHeight;
      for (let x = 0; x < inWidth; x++, target += inChannels) {
        const column = Math.floor((x + padInfo.left) / strideWidth);
        const values = views[a * strideWidth + ((x + padInfo.left) % strideWidth)];
        if (!values || row >= gridHeight || column >= gridWidth) {
          out.fill(0, target, target + inChannels);
          continue;
        }
        const source = ((b * gridHeight + row) * gridWidth + column) * inChannels;
        for (let ch = 0; ch < inChannels; ch++) out[target + ch] = values[source + ch];
      }
    }
  }
}

/** Depthwise dx[b, h, w, c] = Σ_q correlation of the spread dy channel c·m + q with the flipped filter[:, :, c, q]. */
function depthwiseConv2dNativeBackpropInput({
  inputs,
  backend,
  attrs,
}: KernelArgs<DepthwiseConv2dNativeBackpropInputInputs, DepthwiseConv2dNativeBackpropInputAttrs>): TensorInfo {
  const { dy, filter } = inputs;
  const { inputShape } = attrs;
  const info = convInfo('wasm', inputShape, filter.shape, attrs, true);
  const [kh, kw, channels, multiplier] = filter.shape as Shape4;
  return composed('wasm', backend, (scope) => {
    const flipped = scope.run(Reverse, { x: filter }, { dims: [0, 1] });
    // Output channel c·m + q of the forward pass gets its own multiplier-1 filter here.
    const perOutputChannel = reshape(scope, flipped, [kh, kw, channels * multiplier, 1]);
    const spread = spreadOutputGradient(scope, dy, info);
    const grad = scope.run(DepthwiseConv2dNative, { x: spread, filter: perOutputChannel }, { strides: 1, pad: 'valid', dilations: 1 });
    if (multiplier === 1) return grad;
    const [batch, height, width] = inputShape;
    const byMultiplier = reshape(scope, grad, [batch * height * width * channels, multiplier]);
    const summed = scope.run(Sum, { x: byMultiplier }, { axis: 1, keepDims: false });
    return reshape(scope, summed, [batch, height, width, channels]);
  });
}

/**
 * Depthwise dW[kh, kw, c, q] = Σ x_padded[b, oh·s + kh, ow·s + kw, c] · dy[b, oh, ow, c·m + q]: one depthwise
 * convolution, dilated by the stride, of the input with the output gradient as its filter, the batch moved
 * into the channels (each (b, c) pair is its own channel) and summed out afterwards.
 */
function depthwiseConv2dNativeBackpropFilter({
  inputs,
  backend,
  attrs,
}: KernelArgs<DepthwiseConv2dNativeBackpropFilterInputs, DepthwiseConv2dNativeBackpropFilterAttrs>): TensorInfo {
  const { x, dy } = inputs;
  const { filterShape } = attrs;
  const info = convInfo('wasm', x.shape, filterShape, attrs, true);
  const [kh, kw, channels, multiplier] = filterShape;
  const { batchSize, inHeight, inWidth, outHeight, outWidth } = info;
  return composed('wasm', backend, (scope) => {
    const xBatchInChannels = scope.run(Transpose, { x }, { perm: [1, 2, 0, 3] }); // [H, W, B, C]
    const xAsImage = reshape(scope, xBatchInChannels, [1, inHeight, inWidth, batchSize * channels]);
    const dyBatchInChannels = scope.run(Transpose, { x: dy }, { perm: [1, 2, 0, 3] }); // [OH, OW, B, C·m]
    const dyAsFilter = reshape(scope, dyBatchInChannels, [outHeight, outWidth, batchSize * channels, multiplier]);
    const padded = paddedForwardInput(scope, xAsImage, info);
    const dilations = [info.strideHeight, info.strideWidth];
    const perSample = scope.run(DepthwiseConv2dNative, { x: padded, filter: dyAsFilter }, { strides: 1, pad: 'valid', dilations }); // [1, kh, kw, B·C·m]
    const byBatch = reshape(scope, perSample, [kh * kw, batchSize, channels * multiplier]);
    const summed = scope.run(Sum, { x: byBatch }, { axis: 1, keepDims: false });
    return reshape(scope, summed, filterShape);
  });
}

/** The kernels above, registered for 'wasm' when it activates (register.ts). */
export const WASM_GRADIENT_KERNELS: readonly KernelConfig[] = [
  kernelConfig(Conv2DBackpropFilter, 'wasm', conv2DBackpropFilter),
  kernelConfig(Conv2DBackpropInput, 'wasm', conv2DBackpropInput),
  kernelConfig(DepthwiseConv2dNativeBackpropInput, 'wasm', depthwiseConv2dNativeBackpropInput),
  kernelConfig(DepthwiseConv2dNativeBackpropFilter, 'wasm', depthwiseConv2dNativeBackpropFilter),
];
