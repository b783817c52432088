/**
 * Convolution filter gradient for @tensorflow/tfjs-backend-webgpu 4.22.
 *
 * The stock Conv2DBackpropFilter gives one GPU thread each filter element and loops it over every
 * batch pixel: a 3×3 64→64 layer at 64×64, batch 32, is 36 864 threads each summing 131 072 products,
 * far too few threads for a large GPU (0.26 TFLOP/s on an H100, a tenth of the forward convolution).
 * Here the same sum is a matrix product, split along the long axis so that there is work for every
 * core:
 *   columns[p, kh·kw·Ci] = x_padded[b, oh·s + kh, ow·s + kw, ci]   (p = b, oh, ow: one strided slice per tap)
 *   dW = columnsᵀ · dy[p, Co], the rows p cut into `chunks` batches whose products are summed.
 * NHWC, dilation 1 (tfjs' convolution gradient requires it anyway).
 */
import {
  BatchMatMul,
  Concat,
  Conv2DBackpropFilter,
  StridedSlice,
  Sum,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropFilterInputs,
  type KernelConfig,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { composed, convInfo, kernelConfig, paddedForwardInput, reshape, type KernelArgs } from './compose.ts';

/**
 * Output tiles the GPU should have to work on at once: the matmul kernel computes 32×32 outputs per
 * workgroup, and a large GPU runs hundreds of workgroups at a time.
 */
export const MIN_WORKGROUPS = 512;
/** below this many rows per chunk, the partial sums cost more than the parallelism gains */
export const MIN_CHUNK_ROWS = 256;

/**
 * How many batches to cut `rows` into: the fewest that give MIN_WORKGROUPS tiles of `tiles` each,
 * among the divisors of `rows` that leave at least MIN_CHUNK_ROWS rows in a batch; 1 when none does.
 */
export function chunkCount(rows: number, tiles: number): number {
  const wanted = Math.ceil(MIN_WORKGROUPS / tiles);
  if (wanted <= 1) return 1;
  let best = 1;
  for (let chunks = 2; chunks <= wanted * 2 && rows / chunks >= MIN_CHUNK_ROWS; chunks++) {
    if (rows % chunks !== 0) continue;
    best = chunks;
    if (chunks >= wanted) break;
  }
  return best;
}

function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs<Conv2DBackpropFilterInputs, Conv2DBackpropFilterAttrs>): TensorInfo {
  const { x, dy } = inputs;
  const { filterShape } = attrs;
  const info = convInfo('webgpu', x.shape, filterShape, attrs, false);
  const { batchSize, filterHeight, filterWidth, inChannels, outChannels, outHeight, outWidth, strideHeight, strideWidth } = info;
  return composed('webgpu', backend, (scope) => {
    const padded = paddedForwardInput(scope, x, info);
    const taps: TensorInfo[] = [];
    for (let kh = 0; kh < filterHeight; kh++) {
      for (let kw = 0; kw < filterWidth; kw++) {
        const end = [batchSize, kh + (outHeight - 1) * strideHeight + 1, kw + (outWidth - 1) * strideWidth + 1, inChannels];
        taps.push(
          scope.run(
            StridedSlice,
            { x: padded },
            {
              begin: [0, kh, kw, 0],
              end,
              strides: [1, strideHeight, strideWidth, 1],
              beginMask: 0,
              endMask: 0,
              ellipsisMask: 0,
              newAxisMask: 0,
              shrinkAxisMask: 0,
            },
          ),
        );
      }
    }
    const columns = taps.length === 1 ? taps[0] : scope.run(Concat, taps, { axis: 3 });
    const rows = batchSize * outHeight * outWidth;
    const taped = filterHeight * filterWidth * inChannels;
    const chunks = chunkCount(rows, Math.ceil(taped / 32) * Math.ceil(outChannels / 32));
    const a = reshape(scope, columns, [chunks, rows / chunks, taped]);
    const b = reshape(scope, dy, [chunks, rows / chunks, outChannels]);
    const partial = scope.run(BatchMatMul, { a, b }, { transposeA: true, transposeB: false }); // [chunks, taped, Co]
    const summed = chunks === 1 ? partial : scope.run(Sum, { x: partial }, { axis: 0, keepDims: false });
    return reshape(scope, summed, filterShape);
  });
}

/** The kernel above, registered for 'webgpu' when it activates (register.ts). */
export const WEBGPU_GRADIENT_KERNELS: readonly KernelConfig[] = [kernelConfig(Conv2DBackpropFilter, 'webgpu', conv2DBackpropFilter)];
