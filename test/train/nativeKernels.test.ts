import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// Its node bundle registers every tfjs-core gradient (tfjs-core's node entry registers none).
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../main/train/backend.ts';
import { BatchNormApply, BatchNormGradInput, BatchNormGradSums, ChannelMoments, hasBatchNormKernels } from '../../main/train/kernels/batchNormKernels.ts';
import { loadNativeKernels, nativeAddonPath, nativeKernelsFor } from '../../main/train/kernels/nativeKernels.ts';
import { registerBackendKernels } from '../../main/train/kernels/register.ts';
import { WASM_GRADIENT_KERNELS } from '../../main/train/kernels/wasmGradients.ts';
import { matmulShape, onednnShape } from '../../main/train/kernels/wasmNative.ts';
import { BatchNorm } from '../../main/train/models/layers.ts';
import { VariableScope, VariableStore } from '../../main/train/models/parameters.ts';
import { assertCloseRelative, assertKernelMatchesCpu, CONV_CASES, describeCase, outShape, randomValues, type Shape4 } from '../helpers/convKernels.ts';

const native = loadNativeKernels();
const skip = native.addon ? false : `the native kernels are not built (${native.reason}): npm run build:native, with libdnnl-dev installed`;

describe('native kernels for wasm (oneDNN convolutions, BatchNorm)', { skip }, () => {
  const addon = native.addon!;
  const FRONTED = ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'BatchMatMul', 'MaxPoolGrad'];
  const stock = new Map<string, tf.KernelConfig | undefined>();
  before(async () => {
    for (const name of FRONTED) stock.set(name, tf.getKernel(name, 'wasm'));
    await selectBackend('wasm', () => {});
  });

  it('activating wasm puts the native kernels in front of the stock and composed ones and adds the BatchNorm kernels; again changes nothing', async () => {
    for (const name of FRONTED) {
      const kernel = tf.getKernel(name, 'wasm');
      assert.ok(kernel && !WASM_GRADIENT_KERNELS.includes(kernel) && kernel !== stock.get(name), `${name} is native`);
    }
    assert.ok(tf.getKernel('Conv2D', 'wasm')!.setupFunc, "Conv2D keeps the stock kernel's set-up (its fallback)");
    for (const name of [ChannelMoments, BatchNormApply, BatchNormGradSums, BatchNormGradInput]) assert.ok(tf.getKernel(name, 'wasm'), name);
    const kernels = await registerBackendKernels('wasm');
    for (const kernel of kernels) assert.equal(tf.getKernel(kernel.kernelName, 'wasm'), kernel, `${kernel.kernelName} again`);
    assert.ok(hasBatchNormKernels());
    assert.equal(nativeKernelsFor('wasm'), addon);
    assert.equal(nativeKernelsFor('cpu'), null, 'only wasm computes with them');
  });

  for (const c of CONV_CASES) {
    it(`Conv2D and both its gradients match cpu: ${describeCase(c)}`, async () => {
      const filterShape: Shape4 = [c.kernel[0], c.kernel[1], c.x[3], c.kernel[2]];
      const dy = outShape(c.x, filterShape, c.strides, c.pad, false);
      const common = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC' as const };
      assert.ok(onednnShape(c.x, filterShape, common), 'oneDNN takes the case (no fallback)');
      await assertKernelMatchesCpu('Conv2D', { x: c.x, filter: filterShape }, { ...common, dilations: 1 }, 'y');
      await assertKernelMatchesCpu('Conv2DBackpropFilter', { x: c.x, dy }, { ...common, filterShape }, 'dW');
      await assertKernelMatchesCpu('Conv2DBackpropInput', { dy, filter: filterShape }, { ...common, inputShape: c.x }, 'dx');
    });
  }

  it('what oneDNN does not take (dilation, ceil rounding past the padding, NCHW) goes to the kernel it stands in front of (a dilated one, compared)', async () => {
    const x: Shape4 = [2, 10, 10, 3];
    const filter: Shape4 = [3, 3, 3, 4];
    assert.equal(onednnShape(x, filter, { strides: 1, pad: 'same', dilations: 2 }), null);
    assert.equal(onednnShape(x, filter, { strides: 2, pad: 0, dimRoundingMode: 'ceil' }), null);
    assert.equal(onednnShape([2, 3, 9, 9], filter, { strides: 1, pad: 'same', dataFormat: 'NCHW' }), null);
    await assertKernelMatchesCpu('Conv2D', { x, filter }, { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 2 }, 'dilated y');
  });

  it('BatchMatMul matches cpu, transposed or not, in batches; broadcast batches go to the stock kernel', async () => {
    for (const [transposeA, transposeB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      const a = transposeA ? [7, 5] : [5, 7];
      const b = transposeB ? [3, 7] : [7, 3];
      await assertKernelMatchesCpu('BatchMatMul', { a, b }, { transposeA, transposeB }, `2-D ${transposeA} ${transposeB}`);
      await assertKernelMatchesCpu('BatchMatMul', { a: [4, ...a], b: [4, ...b] }, { transposeA, transposeB }, `batched ${transposeA} ${transposeB}`);
    }
    const info = (shape: number[]) => ({ shape, dtype: 'float32' as const, dataId: {} });
    assert.equal(matmulShape(info([1, 5, 7]), info([4, 7, 3]), { transposeA: false, transposeB: false }), null, 'broadcast');
    await assertKernelMatchesCpu('BatchMatMul', { a: [1, 5, 7], b: [4, 7, 3] }, { transposeA: false, transposeB: false }, 'broadcast');
  });

  it("the max-pool's gradient matches cpu's (3×3 stride 2 padded, 2×2 stride 2)", async () => {
    for (const [size, stride, pad] of [
      [3, 2, 1],
      [2, 2, 0],
    ] as const) {
      const x: Shape4 = [3, 9, 8, 5];
      const out = tf.backend_util.computePool2DInfo(x, size, stride, 1, pad).outShape;
      await assertKernelMatchesCpu('MaxPoolGrad', { dy: out, input: x, output: out }, { filterSize: size, strides: stride, pad }, `${size}×${size}/${stride}`);
    }
  });

  /** A BatchNorm layer's training step on `backend`: output, running statistics, gradients of γ, β, x and the residual. */
  async function batchNormOn(backend: string, options: { residual: boolean; relu: boolean }): Promise<Float32Array[]> {
    await tf.setBackend(backend);
    const store = new VariableStore(1);
    const bn = new BatchNorm(new VariableScope(store), 6);
    bn.gamma.assign(tf.tensor1d(randomValues(6, 31).map((v) => 1 + 0.5 * v)));
    bn.beta.assign(tf.tensor1d(randomValues(6, 32)));
    const shape = [3, 5, 7, 6];
    const size = 3 * 5 * 7 * 6;
    const x = tf.tensor(
      randomValues(size, 33).map((v) => 2 * v + 0.7),
      shape,
    );
    const residual = tf.tensor(randomValues(size, 34), shape);
    const dy = tf.tensor(randomValues(size, 35), shape);
    const f = (input: tf.Tensor, shortcut: tf.Tensor) =>
      tf.sum(tf.mul(bn.apply(input, true, { residual: options.residual ? shortcut : undefined, relu: options.relu }), dy)) as tf.Scalar;
    const y = tf.tidy(() => bn.apply(x, true, { residual: options.residual ? residual : undefined, relu: options.relu }));
    const { value, grads } = tf.variableGrads(() => f(x, residual), [bn.gamma, bn.beta]);
    const inputGrads = options.residual ? tf.grads(f)([x, residual]) : [tf.grad((input: tf.Tensor) => f(input, residual))(x)];
    const out = [y, bn.runningMean, bn.runningVariance, grads[bn.gamma.name], grads[bn.beta.name], ...inputGrads].map((t) => t.dataSync() as Float32Array);
    tf.dispose([x, residual, dy, y, value, ...inputGrads, ...Object.values(grads)]);
    store.dispose();
    return out;
  }

  for (const options of [
    { residual: false, relu: false },
    { residual: false, relu: true },
    { residual: true, relu: true },
  ]) {
    it(`BatchNorm (residual ${options.residual}, ReLU ${options.relu}): output, running statistics and gradients equal cpu's`, async () => {
      const expected = await batchNormOn('cpu', options);
      const actual = await batchNormOn('wasm', options);
      const names = ['y', 'running mean', 'running variance', 'dγ', 'dβ', 'dx', 'd residual'];
      expected.forEach((values, k) => assertCloseRelative(actual[k], values, names[k]));
    });
  }

  it("BatchNorm's sums come out the same, bit for bit, on one thread and on two", () => {
    const channels = 5;
    const rows = 4 * 300; // 4 samples of 300 rows: several blocks, a plane that is not a multiple of 8
    const x = randomValues(rows * channels, 41);
    const dy = randomValues(rows * channels, 42);
    const run = (threads: number) => {
      addon.setThreads(threads);
      const mean = new Float32Array(channels);
      const variance = new Float32Array(channels);
      addon.channelMoments(x, mean, variance);
      const sums = new Float32Array(2 * channels);
      addon.batchNormGradSums(dy, x, x, mean, sums, null, 4);
      addon.setThreads(1);
      return [...mean, ...variance, ...sums];
    };
    const one = run(1);
    assert.deepEqual(run(2), one);
    // and they are the sums: the mean against a float64 one
    const mean0 = x.filter((_, k) => k % channels === 0).reduce((a, b) => a + b, 0) / rows;
    assert.ok(Math.abs(one[0] - mean0) < 1e-6, `mean ${one[0]} vs ${mean0}`);
  });

  it('leaves the process whole when worker threads that computed on two threads end', () => {
    // each worker loads the addon, computes on an OpenMP team of two, and ends
    const worker = `
      const { createRequire } = require('node:module');
      const addon = createRequire(${JSON.stringify(import.meta.filename)})(${JSON.stringify(nativeAddonPath())});
      addon.setThreads(2);
      const x = new Float32Array(8 * 64).fill(0.5), mean = new Float32Array(8), variance = new Float32Array(8);
      addon.channelMoments(x, mean, variance);
      const shape = [2, 8, 8, 4, 4, 3, 3, 1, 1, 1, 1, 1, 1, 8, 8];
      addon.conv2d(new Float32Array(512), new Float32Array(144), new Float32Array(512), shape);`;
    const main = `
      const { Worker } = require('node:worker_threads');
      (async () => {
        for (let k = 0; k < 3; k++) await new Promise((done, fail) => new Worker(${JSON.stringify(worker)}, { eval: true }).on('exit', done).on('error', fail));
        console.log('three workers ended');
      })();`;
    const child = spawnSync(process.execPath, ['-e', main], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(child.signal, null, `the process died of ${child.signal}: ${child.stderr}`);
    assert.equal(child.status, 0, child.stderr);
    assert.match(child.stdout, /three workers ended/);
  });

  it("computes a strided 1×1 convolution's filter gradient, odd batches and few channels, on two threads without corrupting the heap", () => {
    // oneDNN 2.6 writes past its buffers there on more than one thread (onednn.cc runs it on one);
    // glibc's checks (MALLOC_CHECK_) abort at the first corrupted chunk
    const scan = `
      const { createRequire } = require('node:module');
      const addon = createRequire(${JSON.stringify(import.meta.filename)})(${JSON.stringify(nativeAddonPath())});
      addon.setThreads(2);
      for (const batch of [1, 3, 5, 7]) for (const inChannels of [3, 8]) for (const outChannels of [8, 16]) {
        const shape = [batch, 16, 16, inChannels, outChannels, 1, 1, 2, 2, 0, 0, 0, 0, 8, 8];
        const x = new Float32Array(batch * 256 * inChannels).fill(0.5), dy = new Float32Array(batch * 64 * outChannels).fill(1);
        const dFilter = new Float32Array(inChannels * outChannels);
        for (let k = 0; k < 20; k++) addon.conv2dBackpropFilter(x, dy, dFilter, shape);
        if (Math.abs(dFilter[0] - batch * 64 * 0.5) > 1e-3) throw new Error('dW ' + dFilter[0] + ' for batch ' + batch);
      }
      console.log('scanned');`;
    const child = spawnSync(process.execPath, ['-e', scan], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, MALLOC_CHECK_: '3' } });
    assert.equal(child.signal, null, `the process died of ${child.signal}: ${child.stderr}`);
    assert.equal(child.status, 0, child.stderr);
    assert.match(child.stdout, /scanned/);
  });

  it('refuses arrays whose lengths do not fit, in one line naming the argument', () => {
    const shape = [1, 4, 4, 2, 3, 3, 3, 1, 1, 1, 1, 1, 1, 4, 4];
    assert.throws(
      () => addon.conv2d(new Float32Array(31), new Float32Array(54), new Float32Array(48), shape),
      /^Error: oneDNN: tensor 0 has 31 values, the shape needs 32$/,
    );
    assert.throws(() => addon.conv2d(new Float32Array(32), new Float32Array(54), new Float32Array(48), shape.slice(1)), /the shape has 15 numbers/);
    assert.throws(
      () => addon.batchNormApply(new Float32Array(12), new Float32Array(3), new Float32Array(4), null, new Float32Array(12), true),
      /^Error: BatchNorm: argument 2 has 4 values, not 3$/,
    );
    assert.throws(() => addon.channelMoments(new Float32Array(4), new Float32Array(0), new Float32Array(0)), /BatchNorm: no channels/);
  });
});
