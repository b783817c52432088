import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
// the gradients of every op, as the models get them
import '@tensorflow/tfjs-layers';
import { FusedAdam } from '../../main/train/fusedAdam.ts';
import { ADAM_UPDATE } from '../../main/train/kernels/adamUpdate.ts';
import { registerBackendKernels } from '../../main/train/kernels/register.ts';
import { chunkCount, MIN_CHUNK_ROWS, MIN_WORKGROUPS, WEBGPU_GRADIENT_KERNELS } from '../../main/train/kernels/webgpuGradients.ts';
import { useTestWebgpu } from '../helpers/webgpu.ts';

const unavailable = await useTestWebgpu();

/** The same computation on 'cpu' and on 'webgpu': both results, as arrays. */
async function onBoth(compute: () => tf.Tensor): Promise<{ cpu: Float32Array; webgpu: Float32Array }> {
  await tf.setBackend('cpu');
  const cpu = tf.tidy(compute);
  const cpuValues = (await cpu.data()) as Float32Array;
  cpu.dispose();
  await tf.setBackend('webgpu');
  const webgpu = tf.tidy(compute);
  const webgpuValues = (await webgpu.data()) as Float32Array;
  webgpu.dispose();
  return { cpu: cpuValues, webgpu: webgpuValues };
}

function maxRelativeError(expected: Float32Array, actual: Float32Array): number {
  assert.equal(actual.length, expected.length, 'same number of values');
  const scale = Math.max(...expected.map(Math.abs), 1e-6);
  return Math.max(...expected.map((e, i) => Math.abs(e - actual[i]))) / scale;
}

describe('chunkCount', () => {
  it('cuts the rows of a product with few output tiles into enough batches, on divisors of the rows only', () => {
    // 3×3 64→64 at 64×64, batch 32: 131 072 rows, 18 × 2 tiles
    const chunks = chunkCount(131072, 36);
    assert.equal(131072 % chunks, 0);
    assert.ok(chunks * 36 >= MIN_WORKGROUPS, `${chunks} chunks of 36 tiles`);
    // a product with tiles enough, or too few rows to share, stays whole
    assert.equal(chunkCount(131072, MIN_WORKGROUPS), 1);
    assert.equal(chunkCount(MIN_CHUNK_ROWS, 1), 1);
    // a prime number of rows has no divisor to cut at
    assert.equal(chunkCount(65537, 4), 1);
    assert.equal(chunkCount(1024, 1), 4);
    // never fewer than MIN_CHUNK_ROWS rows per batch
    const few = chunkCount(4096, 1);
    assert.ok(4096 / few >= MIN_CHUNK_ROWS, `${few} chunks`);
  });
});

describe('webgpu kernels', { skip: unavailable }, () => {
  it('are the ones registered for the backend, and registering again changes nothing', async () => {
    const registered = [tf.Conv2DBackpropFilter, ADAM_UPDATE].map((name) => tf.getKernel(name, 'webgpu'));
    // (webgpuAdam.ts is not imported here: it imports the backend package, which must wait for navigator.gpu)
    const ours = await registerBackendKernels('webgpu');
    assert.deepEqual(
      ours.map((k) => k.kernelName),
      [tf.Conv2DBackpropFilter, ADAM_UPDATE],
    );
    assert.equal(ours[0], WEBGPU_GRADIENT_KERNELS[0]);
    ours.forEach((kernel, k) => assert.equal(registered[k], kernel, `${kernel.kernelName}: activating the backend registered it`));
    for (const kernel of ours) assert.equal(tf.getKernel(kernel.kernelName, 'webgpu'), kernel, `${kernel.kernelName} again`);
  });

  const cases: [string, number[], number[], number, 'same' | 'valid'][] = [
    ['3×3 stride 1 same', [2, 9, 9, 3], [3, 3, 3, 5], 1, 'same'],
    ['3×3 stride 2 same, odd size', [2, 9, 9, 4], [3, 3, 4, 6], 2, 'same'],
    ['3×3 stride 2 same, even size', [3, 8, 8, 2], [3, 3, 2, 4], 2, 'same'],
    ['1×1 stride 2 (shortcut)', [2, 8, 8, 4], [1, 1, 4, 8], 2, 'valid'],
    ['7×7 stride 2 same (ImageNet stem)', [2, 16, 16, 3], [7, 7, 3, 4], 2, 'same'],
    ['3×3 stride 1 valid', [2, 7, 6, 3], [3, 3, 3, 2], 1, 'valid'],
    // 4·16·16 = 1024 rows, one output tile: summed over chunkCount(1024, 1) = 4 partial products
    ['3×3 stride 1 same, rows cut into chunks', [4, 16, 16, 2], [3, 3, 2, 2], 1, 'same'],
  ];
  for (const [name, xShape, filterShape, stride, pad] of cases) {
    it(`Conv2DBackpropFilter matches the cpu backend: ${name}`, async () => {
      const x = tf.randomNormal(xShape, 0, 1, 'float32', 1);
      const filter = tf.randomNormal(filterShape, 0, 1, 'float32', 2);
      const { cpu, webgpu } = await onBoth(() => {
        const y = tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, stride, pad);
        const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 3);
        return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: stride, pad, dataFormat: 'NHWC', filterShape }) as tf.Tensor;
      });
      const error = maxRelativeError(cpu, webgpu);
      assert.ok(error < 1e-5, `max error ${error} relative to the largest value`);
      tf.dispose([x, filter]);
    });
  }

  it("gives tf.grads through a convolution the cpu backend's filter and input gradients", async () => {
    const x = tf.randomNormal([2, 10, 10, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    const filter = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 5) as tf.Tensor4D;
    const target = tf.randomNormal([2, 5, 5, 4], 0, 1, 'float32', 6);
    const loss = (xi: tf.Tensor, f: tf.Tensor) => tf.mean(tf.square(tf.sub(tf.relu(tf.conv2d(xi as tf.Tensor4D, f as tf.Tensor4D, 2, 'same')), target)));
    const both = await onBoth(() =>
      tf.concat(
        tf
          .grads(loss)([x, filter])
          .map((g) => tf.reshape(g, [-1])),
      ),
    );
    const error = maxRelativeError(both.cpu, both.webgpu);
    assert.ok(error < 1e-5, `max error ${error} relative to the largest gradient`);
    tf.dispose([x, filter, target]);
  });

  it('FusedAdam takes the same steps as tfjs Adam on cpu: values, moments and state', async () => {
    assert.ok(tf.getKernel(ADAM_UPDATE, 'webgpu'), 'the fused kernel is registered for webgpu');
    const run = async (backend: string, optimiser: () => tf.Optimizer) => {
      await tf.setBackend(backend);
      const w = tf.variable(tf.randomNormal([3, 4, 2, 5], 0, 1, 'float32', 8), true, `w-${backend}`);
      const b = tf.variable(tf.randomNormal([5], 0, 1, 'float32', 9), true, `b-${backend}`);
      const opt = optimiser();
      for (let step = 1; step <= 4; step++) {
        // a different gradient each step, the same on both backends
        const grads = { [w.name]: tf.randomNormal(w.shape, 0, 1, 'float32', 10 + step), [b.name]: tf.randomNormal(b.shape, 0, 1, 'float32', 20 + step) };
        opt.applyGradients(grads);
        tf.dispose(Object.values(grads));
      }
      const state = await opt.getWeights();
      const values = await Promise.all([w, b, ...state.map((s) => s.tensor)].map(async (t) => Array.from(await t.data())));
      tf.dispose(state.filter((s) => !(s.tensor instanceof tf.Variable)).map((s) => s.tensor));
      opt.dispose();
      tf.dispose([w, b]);
      return { names: state.map((s) => s.name.replace(`-${backend}`, '')), values: values.flat() };
    };
    const cpu = await run('cpu', () => tf.train.adam(0.01));
    const webgpu = await run('webgpu', () => new FusedAdam(0.01));
    assert.deepEqual(webgpu.names, cpu.names, 'same state under the same names');
    const error = maxRelativeError(Float32Array.from(cpu.values), Float32Array.from(webgpu.values));
    assert.ok(error < 1e-5, `max error ${error}`);
  });
});
