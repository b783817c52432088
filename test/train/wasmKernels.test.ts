import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// Its node bundle registers every tfjs-core gradient (tfjs-core's node entry registers none).
import '@tensorflow/tfjs-layers';
// the stock wasm kernels, registered on import, before ours replace any
import '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../main/train/backend.ts';
import { registerBackendKernels } from '../../main/train/kernels/register.ts';
import { WASM_GRADIENT_KERNELS } from '../../main/train/kernels/wasmGradients.ts';
import { WASM_SHARED_DATA_KERNELS } from '../../main/train/kernels/wasmSharedData.ts';
import { withHeapView } from '../../main/train/kernels/wasmHeapViews.ts';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { StudioError } from '../../main/shared/errors.ts';
import {
  assertCloseRelative,
  assertKernelMatchesCpu,
  CONV_CASES,
  describeCase,
  outShape,
  randomValues,
  shapeSize,
  type Shape4,
} from '../helpers/convKernels.ts';

// wasm's own kernels, composed here: the native ones in front of them (nativeKernels.test.ts) stay out
process.env.VSKD_NATIVE = '0';

const GRADIENT_KERNELS = ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter'];

describe('wasm gradient kernels', () => {
  let stockBackpropInput: tf.KernelConfig | undefined;
  before(async () => {
    await tf.setBackend('cpu');
    // Why the module exists: the stock wasm backend does not have these kernels.
    for (const name of GRADIENT_KERNELS) assert.equal(tf.getKernel(name, 'wasm'), undefined, `${name} is already registered for wasm`);
    stockBackpropInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
    await selectBackend('wasm', () => {});
  });

  it('activating wasm registers every gradient kernel in place of the stock one, and registering again changes nothing', async () => {
    assert.ok(stockBackpropInput, 'the stock wasm backend has Conv2DBackpropInput');
    assert.deepEqual(WASM_GRADIENT_KERNELS.map((k) => k.kernelName).sort(), [...GRADIENT_KERNELS, 'Conv2DBackpropInput'].sort());
    for (const kernel of WASM_GRADIENT_KERNELS) assert.equal(tf.getKernel(kernel.kernelName, 'wasm'), kernel, kernel.kernelName);
    assert.deepEqual(await registerBackendKernels('wasm'), [...WASM_GRADIENT_KERNELS, ...WASM_SHARED_DATA_KERNELS]);
    for (const kernel of [...WASM_GRADIENT_KERNELS, ...WASM_SHARED_DATA_KERNELS]) {
      assert.equal(tf.getKernel(kernel.kernelName, 'wasm'), kernel, `${kernel.kernelName} again`);
    }
    assert.equal(tf.getBackend(), 'wasm');
  });

  for (const c of CONV_CASES) {
    it(`Conv2DBackpropFilter and Conv2DBackpropInput match cpu: ${describeCase(c)}`, async () => {
      const filterShape: Shape4 = [c.kernel[0], c.kernel[1], c.x[3], c.kernel[2]];
      const dy = outShape(c.x, filterShape, c.strides, c.pad, false);
      const common = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC' };
      await assertKernelMatchesCpu('Conv2DBackpropFilter', { x: c.x, dy }, { ...common, filterShape }, 'dW');
      await assertKernelMatchesCpu('Conv2DBackpropInput', { dy, filter: filterShape }, { ...common, inputShape: c.x }, 'dx');
    });

    it(`depthwise BackpropFilter and BackpropInput match cpu (multiplier ${c.multiplier}): ${describeCase(c)}`, async () => {
      const filterShape: Shape4 = [c.kernel[0], c.kernel[1], c.x[3], c.multiplier];
      const dy = outShape(c.x, filterShape, c.strides, c.pad, true);
      const common = { strides: c.strides, pad: c.pad, dilations: 1 };
      await assertKernelMatchesCpu('DepthwiseConv2dNativeBackpropFilter', { x: c.x, dy }, { ...common, filterShape }, 'dW');
      await assertKernelMatchesCpu('DepthwiseConv2dNativeBackpropInput', { dy, filter: filterShape }, { ...common, inputShape: c.x }, 'dx');
    });
  }

  it('frees every intermediate: one kernel call leaves exactly its output behind', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(randomValues(2 * 8 * 8 * 3, 5), [2, 8, 8, 3]);
    const dy = tf.tensor(randomValues(2 * 4 * 4 * 4, 6), [2, 4, 4, 4]);
    const before = tf.backend().numDataIds();
    const dW = tf
      .engine()
      .runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] }) as tf.Tensor;
    const depthwiseDx = tf
      .engine()
      .runKernel(
        'DepthwiseConv2dNativeBackpropInput',
        { dy, filter: tf.ones([3, 3, 2, 2]) },
        { strides: 2, pad: 'same', dilations: 1, inputShape: [2, 8, 8, 2] },
      ) as tf.Tensor;
    const filter = tf.ones([3, 3, 3, 4]);
    const dx = tf
      .engine()
      .runKernel('Conv2DBackpropInput', { dy, filter }, { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [2, 8, 8, 3] }) as tf.Tensor;
    const dWStride1 = tf
      .engine()
      .runKernel('Conv2DBackpropFilter', { x, dy: x }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 3] }) as tf.Tensor;
    assert.equal(tf.backend().numDataIds(), before + 6, 'dW, the ones filter, depthwise dx, the filter, dx and the stride-1 dW');
    tf.dispose([x, dy, dW, depthwiseDx, filter, dx, dWStride1]);
  });

  it('a heap view reads its base in place, leaves no tensor behind, and refuses a range outside the base', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as BackendWasm;
    const base = tf.tensor1d([1, 2, 3, 4, 5, 6]);
    const before = backend.numDataIds();
    const sum = withHeapView(backend, base, 2, [1, 2, 2], (view) => {
      assert.deepEqual(Array.from(backend.typedArrayFromHeap(view)), [3, 4, 5, 6]);
      // a kernel of the backend reads it as any tensor
      const out = tf.getKernel('Sum', 'wasm')!.kernelFunc({ inputs: { x: view }, attrs: { axis: [1, 2], keepDims: false }, backend }) as tf.TensorInfo;
      const value = backend.typedArrayFromHeap(out)[0];
      backend.disposeData(out.dataId);
      return value;
    });
    assert.equal(sum, 18);
    assert.equal(backend.numDataIds(), before, 'the view is unregistered');
    assert.deepEqual(Array.from(base.dataSync()), [1, 2, 3, 4, 5, 6], 'the base is untouched');
    assert.throws(() => withHeapView(backend, base, 3, [4], () => 0), /outside the base/);
    base.dispose();
  });

  it('refuses NCHW with INVALID_ARGUMENT naming dataFormat', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 3, 5, 5]);
    const dy = tf.zeros([1, 4, 5, 5]);
    assert.throws(
      () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 3, 4] }),
      (err: unknown) => err instanceof StudioError && err.code === 'INVALID_ARGUMENT' && err.detail.field === 'dataFormat',
    );
    tf.dispose([x, dy]);
  });

  it("a tiny conv net's gradients (tf.grads) on wasm equal cpu's", async () => {
    const shapes: Record<string, number[]> = { x: [2, 9, 9, 3], conv1: [3, 3, 3, 4], conv2: [3, 3, 4, 6], depthwise: [3, 3, 6, 2], target: [2, 3, 3, 12] };
    const net = (x: tf.Tensor, conv1: tf.Tensor, conv2: tf.Tensor, depthwise: tf.Tensor, target: tf.Tensor): tf.Scalar => {
      const h1 = tf.relu(tf.conv2d(x as tf.Tensor4D, conv1 as tf.Tensor4D, 1, 'same'));
      const h2 = tf.relu(tf.conv2d(h1, conv2 as tf.Tensor4D, 2, 'same'));
      const h3 = tf.depthwiseConv2d(h2, depthwise as tf.Tensor4D, 2, 'same');
      return tf.mean(tf.squaredDifference(h3, target));
    };
    const gradientsOn = async (backend: string): Promise<Float32Array[]> => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const args = Object.values(shapes).map((shape, k) => tf.tensor(randomValues(shapeSize(shape), 10 + k), shape));
        const grads = tf.grads((x, c1, c2, d, t) => net(x, c1, c2, d, t))(args);
        return grads.slice(0, 4).map((g) => g.dataSync() as Float32Array);
      });
    };
    const expected = await gradientsOn('cpu');
    const actual = await gradientsOn('wasm');
    const names = Object.keys(shapes);
    expected.forEach((values, k) => assertCloseRelative(actual[k], values, `d loss / d ${names[k]}`));
  });
});

describe('wasm Identity and Cast share memory', () => {
  before(async () => {
    await selectBackend('wasm', () => {});
  });

  it('a clone and a same-dtype cast add no buffer and outlive their source; another dtype converts', () => {
    const x = tf.tensor([1.5, -2, 3.25, 0], [2, 2]);
    // the engine counts bytes per tensor; its data buffers are what the backend allocates
    const buffers = tf.memory().numDataBuffers;
    const clone = tf.clone(x);
    const same = tf.cast(x, 'float32');
    assert.equal(tf.memory().numDataBuffers, buffers, 'no copy made');
    x.dispose();
    assert.deepEqual([...clone.dataSync()], [1.5, -2, 3.25, 0], 'the clone reads its values after the source is freed');
    const whole = tf.cast(same, 'int32');
    const ints = tf.tensor([0, 2, 256], [3], 'int32');
    const flag = tf.cast(ints, 'bool');
    assert.equal(whole.dtype, 'int32');
    assert.deepEqual([...whole.dataSync()], [1, -2, 3, 0], 'float32 → int32 truncates, as the stock kernel does');
    assert.deepEqual([...flag.dataSync()], [0, 1, 1], 'to bool: nonzero is true');
    tf.dispose([clone, same, whole, ints, flag]);
    assert.equal(tf.memory().numDataBuffers, buffers - 1, 'every reference released frees the memory');
  });

  it("a BatchNorm-ReLU block's gradients and one Adam step on wasm equal cpu's (saved tensors are shared clones)", async () => {
    const stepOn = async (backend: string): Promise<Float32Array[]> => {
      await tf.setBackend(backend);
      const w = tf.variable(tf.tensor(randomValues(3 * 3 * 3 * 4, 21), [3, 3, 3, 4]));
      const x = tf.tensor(randomValues(2 * 6 * 6 * 3, 22), [2, 6, 6, 3]);
      const loss = () =>
        tf.tidy(() => {
          const h = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same');
          const { mean, variance } = tf.moments(h, [0, 1, 2]);
          const y = tf.relu(tf.mul(tf.sub(h, mean), tf.rsqrt(tf.add(variance, 1e-5))));
          return tf.mean(tf.square(tf.exp(tf.mul(y, 0.1)))) as tf.Scalar;
        });
      const { grads } = tf.variableGrads(loss, [w]);
      const gradient = grads[w.name].dataSync() as Float32Array;
      const optimiser = tf.train.adam(0.01);
      optimiser.applyGradients([{ name: w.name, tensor: grads[w.name] }]);
      const updated = w.dataSync() as Float32Array;
      tf.dispose([w, x, ...Object.values(grads)]);
      optimiser.dispose();
      return [gradient, updated];
    };
    const [expectedGradient, expectedWeights] = await stepOn('cpu');
    const [gradient, weights] = await stepOn('wasm');
    assertCloseRelative(gradient, expectedGradient, 'd loss / d w');
    assertCloseRelative(weights, expectedWeights, 'w after one Adam step');
  });
});
