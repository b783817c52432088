/**
 * Convolution gradient kernels for @tensorflow/tfjs-backend-wasm 4.22.
 *
 * The wasm backend registers Conv2DBackpropInput but not Conv2DBackpropFilter,
 * DepthwiseConv2dNativeBackpropInput or DepthwiseConv2dNativeBackpropFilter, so `tf.grads` through a
 * convolution fails there. Each kernel below is composed from kernels the backend has, called directly
 * on the backend (not through tf ops: nothing reaches a gradient tape, every intermediate is freed here):
 * - Conv2DBackpropFilter: one Conv2D of the input (its channels as the batch) with the output gradient
 *   (its batch as the input channels) as the filter, dilated by the stride; the work stays in XNNPACK.
 * - Conv2DBackpropInput (replaces the stock one, a plain loop about 20× slower than the forward pass):
 *   zeros inserted between output-gradient pixels (stride), padded, then a stride-1 Conv2D with the
 *   spatially flipped filter whose in/out channels are swapped.
 * - DepthwiseConv2dNativeBackpropInput: the same construction with a depthwise convolution.
 * - DepthwiseConv2dNativeBackpropFilter: one depthwise convolution of the input with the output gradient
 *   as its filter, dilated by the stride, the batch moved into the channels and summed out afterwards
 *   (3.5× faster than a slice-multiply-sum per filter tap).
 * NHWC, dilation 1 (tfjs' gradients of Conv2D and depthwise convolutions require dilation 1 anyway).
 */
import {
  backend_util,
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

/** dW[kh, kw, ci, co] = Σ x_padded[b, oh·s + kh, ow·s + kw, ci] · dy[b, oh, ow, co]. */
function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs<Conv2DBackpropFilterInputs, Conv2DBackpropFilterAttrs>): TensorInfo {
  const { x, dy } = inputs;
  const info = convInfo('wasm', x.shape, attrs.filterShape, attrs, false);
  return composed('wasm', backend, (scope) => {
    // Channels become the batch and the batch becomes the channels that the 'filter' (dy) sums over.
    const xByChannel = scope.run(Transpose, { x }, { perm: [3, 1, 2, 0] }); // [Ci, H, W, B]
    const dyAsFilter = scope.run(Transpose, { x: dy }, { perm: [1, 2, 0, 3] }); // [OH, OW, B, Co]
    const padded = paddedForwardInput(scope, xByChannel, info);
    const dilations = [info.strideHeight, info.strideWidth];
    const grad = scope.run(Conv2D, { x: padded, filter: dyAsFilter }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations }); // [Ci, kh, kw, Co]
    return scope.run(Transpose, { x: grad }, { perm: [1, 2, 0, 3] });
  });
}

/** dx = correlation of the spread output gradient with the flipped, channel-swapped filter. */
function conv2DBackpropInput({ inputs, backend, attrs }: KernelArgs<Conv2DBackpropInputInputs, Conv2DBackpropInputAttrs>): TensorInfo {
  const { dy, filter } = inputs;
  const info = convInfo('wasm', attrs.inputShape, filter.shape, attrs, false);
  return composed('wasm', backend, (scope) => {
    const flipped = scope.run(Reverse, { x: filter }, { dims: [0, 1] });
    const swapped = scope.run(Transpose, { x: flipped }, { perm: [0, 1, 3, 2] }); // [kh, kw, Co, Ci]
    const spread = spreadOutputGradient(scope, dy, info);
    return scope.run(Conv2D, { x: spread, filter: swapped }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1 });
  });
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
