import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
// gradient functions (tfjs-core's Node bundle has none), as the models get them
import '@tensorflow/tfjs-layers';
import { decodeCheckpoint, encodeCheckpoint, optimiserWeights, restoreOptimiser, type Checkpoint } from '../../main/train/checkpoint.ts';
import { studioError, tf } from './models/tfCpu.ts';

const FILE = 'run 3 checkpoint';

function sample(): Checkpoint {
  return {
    weights: {
      'stem/conv/kernel': { shape: [2, 3], data: new Float32Array([1, -2.5, 3e-8, Number.NaN, Infinity, -0]) },
      'stem/bn/scalar': { shape: [], data: new Float32Array([0.125]) },
      'empty/bias': { shape: [0, 4], data: new Float32Array(0) },
    },
    optimiser: { iter: { shape: [], data: new Float32Array([12]) }, '7/m': { shape: [3], data: new Float32Array([0.5, 0.25, -1]) } },
    state: { epoch: 4, best: { epoch: 3, valAccuracy: 0.75 }, note: 'épreuve ✓' },
  };
}

/** The header as stored, and a rebuilt checkpoint with a different header but the same data. */
function header(buf: Buffer): Record<string, unknown> {
  return JSON.parse(buf.toString('utf8', 16, 16 + buf.readUInt32LE(12)));
}
function withHeader(buf: Buffer, edit: (h: Record<string, unknown>) => void): Buffer {
  const h = header(buf);
  edit(h);
  const json = Buffer.from(JSON.stringify(h));
  const data = buf.subarray(Math.ceil((16 + buf.readUInt32LE(12)) / 4) * 4);
  const pad = Buffer.alloc(Math.ceil((16 + json.length) / 4) * 4 - 16 - json.length);
  return Buffer.concat([buf.subarray(0, 12), Buffer.from(new Uint32Array([json.length]).buffer), json, pad, data]);
}

describe('checkpoint encoding', () => {
  it('round-trips weights, optimiser state and trainer state bit for bit', () => {
    assert.deepEqual(decodeCheckpoint(encodeCheckpoint(sample()), FILE), sample());
  });

  it('is magic, version, header length, JSON header, then 4-byte aligned little-endian float32', () => {
    const buf = encodeCheckpoint(sample());
    assert.equal(buf.toString('latin1', 0, 8), 'VSKDCKPT');
    assert.equal(buf.readUInt32LE(8), 1);
    const dataStart = Math.ceil((16 + buf.readUInt32LE(12)) / 4) * 4;
    assert.equal(buf.length, dataStart + 4 * (6 + 1 + 0 + 1 + 3));
    assert.deepEqual([...buf.subarray(dataStart, dataStart + 8)], [0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0]); // 1, -2.5
    assert.deepEqual((header(buf).weights as unknown[])[1], { name: 'stem/bn/scalar', shape: [], offset: 24 });
  });

  it('decodes from an unaligned view and from a plain Uint8Array (as postMessage delivers a Buffer)', () => {
    const buf = encodeCheckpoint(sample());
    const shifted = Buffer.alloc(buf.length + 1);
    buf.copy(shifted, 1);
    assert.deepEqual(decodeCheckpoint(shifted.subarray(1), FILE), sample());
    assert.deepEqual(decodeCheckpoint(new Uint8Array(buf), FILE), sample());
  });

  it('reports every truncation as BAD_INPUT naming the file', () => {
    const buf = encodeCheckpoint(sample());
    for (let length = 0; length < buf.length; length++) {
      assert.throws(
        () => decodeCheckpoint(buf.subarray(0, length), FILE),
        (err: unknown) => {
          studioError('BAD_INPUT')(err);
          assert.ok((err as Error).message.startsWith(`${FILE}: `), `${length} bytes: ${(err as Error).message}`);
          return true;
        },
      );
    }
  });

  it('reports corrupt content as BAD_INPUT saying what is wrong', () => {
    const buf = encodeCheckpoint(sample());
    const cases: [string, Buffer, RegExp][] = [
      ['magic', Buffer.concat([Buffer.from('NOTACKPT'), buf.subarray(8)]), /not a VSKD Studio checkpoint/],
      ['version', Buffer.concat([buf.subarray(0, 8), Buffer.from([2, 0, 0, 0]), buf.subarray(12)]), /format version 2 \(written by a newer VSKD Studio\)/],
      ['header JSON', Buffer.concat([buf.subarray(0, 16), Buffer.from('x'), buf.subarray(17)]), /header is not valid JSON/],
      ['header type', withHeader(buf, (h) => delete h.state), /no state object/],
      ['offset', withHeader(buf, (h) => ((h.weights as { offset: number }[])[1].offset = 0)), /stem\/bn\/scalar is at byte 0, expected 24/],
      ['shape', withHeader(buf, (h) => ((h.weights as { shape: unknown }[])[0].shape = [2, -3])), /stem\/conv\/kernel has an invalid shape/],
      ['duplicate', withHeader(buf, (h) => ((h.optimiser as { name: string }[])[1].name = 'iter')), /optimiser iter appears twice/],
      ['trailing bytes', Buffer.concat([buf, Buffer.alloc(4)]), /4 unexpected bytes after the data/],
    ];
    for (const [what, corrupt, message] of cases) {
      assert.throws(
        () => decodeCheckpoint(corrupt, FILE),
        (err: unknown) => studioError('BAD_INPUT')(err) && message.test((err as Error).message),
        what,
      );
    }
  });

  it('refuses data that does not fit its shape', () => {
    const bad = { ...sample(), weights: { w: { shape: [2, 2], data: new Float32Array(3) } } };
    assert.throws(() => encodeCheckpoint(bad), studioError('INVALID_ARGUMENT', 'weights'));
  });
});

describe('optimiser state', () => {
  const x = tf.tensor2d([
    [1, 2, 3],
    [0.5, -1, 2],
    [-2, 0, 1],
    [3, 1, -1],
  ]);
  const y = tf.tensor2d([
    [1, 0],
    [0, 1],
    [1, 1],
    [-1, 2],
  ]);

  function model(values?: { w: Float32Array; b: Float32Array }) {
    const w = tf.variable(
      values
        ? tf.tensor2d(values.w, [3, 2])
        : tf.tensor2d([
            [0.1, -0.2],
            [0.3, 0.05],
            [-0.1, 0.2],
          ]),
    );
    const b = tf.variable(values ? tf.tensor1d(values.b) : tf.zeros([2]));
    return {
      step: (optimizer: tf.Optimizer) => optimizer.minimize(() => tf.losses.meanSquaredError(y, tf.add(tf.matMul(x, w), b)) as tf.Scalar, false, [w, b]),
      values: () => ({ w: w.dataSync().slice() as Float32Array, b: b.dataSync().slice() as Float32Array }),
      dispose: () => tf.dispose([w, b]),
    };
  }

  it('lets a resumed Adam run take exactly the steps of an uninterrupted one', async () => {
    const original = model();
    const adam = tf.train.adam(0.05);
    for (let k = 0; k < 5; k++) original.step(adam);
    const tensorsBefore = tf.memory().numTensors;
    const saved = encodeCheckpoint({ weights: {}, optimiser: await optimiserWeights(adam), state: { model: original.values() } });
    assert.equal(tf.memory().numTensors, tensorsBefore, 'reading the optimiser state leaks no tensor');
    const at5 = original.values();
    for (let k = 0; k < 5; k++) original.step(adam);

    const { optimiser } = decodeCheckpoint(saved, FILE);
    assert.deepEqual(Object.keys(optimiser).slice(0, 1), ['iter']);
    assert.deepEqual(optimiser.iter.data, new Float32Array([5]));
    assert.equal(Object.keys(optimiser).length, 1 + 4 + 2, 'iter, m and v of both variables, accBeta1 and accBeta2');
    const resumed = model(at5);
    const adam2 = tf.train.adam(0.05);
    await restoreOptimiser(adam2, optimiser);
    for (let k = 0; k < 5; k++) resumed.step(adam2);
    assert.deepEqual(resumed.values(), original.values());

    for (const m of [original, resumed]) m.dispose();
    for (const o of [adam, adam2]) o.dispose();
  });

  it('refuses state that does not fit the optimiser', async () => {
    const adam = tf.train.adam(0.05);
    const sgd = tf.train.sgd(0.1);
    const m = model();
    m.step(adam);
    await assert.rejects(restoreOptimiser(sgd, await optimiserWeights(adam)), studioError('INVALID_ARGUMENT', 'optimiser'));
    m.dispose();
    adam.dispose();
  });
});
