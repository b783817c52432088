import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtoWriter } from '../../main/export/protobuf.ts';
import { float16Bits, quantizeInt8PerChannel, toFloat16Bytes } from '../../main/export/quantize.ts';
import { all, int, message, readFields, text } from './protoReader.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('protobuf writer', () => {
  it('encodes varints as the protobuf encoding guide does', () => {
    // the guide's examples: field 1 = 150 → 08 96 01; 1 and 127 fit one byte, 128 and 300 two
    assert.equal(hex(new ProtoWriter().int(1, 150).finish()), '089601');
    assert.equal(hex(new ProtoWriter().int(1, 1).finish()), '0801');
    assert.equal(hex(new ProtoWriter().int(1, 127).finish()), '087f');
    assert.equal(hex(new ProtoWriter().int(1, 128).finish()), '088001');
    assert.equal(hex(new ProtoWriter().int(1, 300).finish()), '08ac02');
    assert.equal(hex(new ProtoWriter().int(1, 0).finish()), '0800');
    // int64 beyond 32 bits, and negative int64: two's complement over 64 bits, ten bytes
    assert.equal(hex(new ProtoWriter().int(1, 2 ** 35).finish()), '08808080808001');
    assert.equal(hex(new ProtoWriter().int(1, -1).finish()), '08ffffffffffffffffff01');
    assert.equal(hex(new ProtoWriter().int(1, -2n).finish()), '08feffffffffffffffff01');
  });

  it('encodes keys of large field numbers and strings as length-delimited bytes', () => {
    assert.equal(hex(new ProtoWriter().string(2, 'testing').finish()), '120774657374696e67');
    // field 20, varint: key 20 × 8 = 160 → a0 01
    assert.equal(hex(new ProtoWriter().int(20, 7).finish()), 'a00107');
    assert.equal(hex(new ProtoWriter().string(3, '').finish()), '1a00');
    assert.equal(hex(new ProtoWriter().bytes(4, Uint8Array.of(0, 255)).finish()), '220200ff');
  });

  it('nests messages as length-prefixed bytes, to any depth', () => {
    // the guide's example: message Test3 { Test1 c = 3; } with c.a = 150 → 1a 03 08 96 01
    const inner = new ProtoWriter().int(1, 150);
    assert.equal(hex(new ProtoWriter().message(3, inner).finish()), '1a03089601');
    const deep = new ProtoWriter().string(1, 'top').message(2, new ProtoWriter().message(5, new ProtoWriter().int(1, 300).string(2, 'leaf')).int(6, 1));
    const bytes = deep.finish();
    assert.equal(text(bytes, 1), 'top');
    const middle = message(bytes, 2);
    assert.equal(int(middle, 6), 1n);
    const leaf = message(middle, 5);
    assert.equal(int(leaf, 1), 300n);
    assert.equal(text(leaf, 2), 'leaf');
    // a message reused twice is written twice
    const twice = new ProtoWriter().message(1, inner).message(1, inner).finish();
    assert.deepEqual(
      all(twice, 1).map((f) => hex(f.bytes!)),
      ['089601', '089601'],
    );
    assert.equal(readFields(new ProtoWriter().message(9, new ProtoWriter()).finish()).length, 1, 'an empty message still appears');
  });

  it('refuses field numbers and values protobuf cannot carry', () => {
    assert.throws(() => new ProtoWriter().int(0, 1), /field number/);
    assert.throws(() => new ProtoWriter().int(2 ** 29, 1), /field number/);
    assert.throws(() => new ProtoWriter().int(1, 0.5), /safe integer/);
    assert.throws(() => new ProtoWriter().int(1, 2 ** 60), /safe integer/);
  });
});

describe('parameter quantisation', () => {
  it('rounds to float16 like IEEE 754 (nearest, ties to even), with subnormals, overflow and NaN', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.1, 0x2e66],
      [65504, 0x7bff],
      [65520, 0x7c00], // halfway past the largest finite half: rounds to Inf
      [1e6, 0x7c00],
      [-Infinity, 0xfc00],
      [2 ** -14, 0x0400], // smallest normal
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // a tie between 0 and the smallest subnormal: to even (0)
      [3 * 2 ** -25, 0x0002], // a tie between 1 and 2 subnormal steps: to even (2)
      [1 + 2 ** -11, 0x3c00], // a tie: to even (1.0)
      [1 + 3 * 2 ** -11, 0x3c02], // a tie: to even (1 + 2^-9)
      [1 + 2 ** -11 + 2 ** -20, 0x3c01], // just above the tie
    ];
    for (const [value, bits] of cases) assert.equal(float16Bits(value), bits, `float16(${value})`);
    assert.equal(float16Bits(NaN) & 0x7c00, 0x7c00, 'NaN keeps an all-ones exponent');
    assert.notEqual(float16Bits(NaN) & 0x3ff, 0, 'NaN keeps a non-zero mantissa');
    assert.equal(hex(toFloat16Bytes(Float32Array.of(1, -2))), '003c00c0', 'little-endian');
  });

  it('quantises int8 per output channel, symmetric, within half a step', () => {
    const w = Float32Array.of(0.5, -1, 0.25, 0, /* channel 1 */ 0, 0, 0, 0, /* channel 2 */ 3, 2.9, -0.01, 1.5);
    const { values, scales } = quantizeInt8PerChannel(w, 3);
    assert.deepEqual([...scales], [Math.fround(1 / 127), 1, Math.fround(3 / 127)]);
    assert.deepEqual([...values.subarray(0, 8)], [64, -127, 32, 0, 0, 0, 0, 0]);
    assert.equal(values[8], 127);
    for (let k = 0; k < w.length; k++) {
      const c = Math.floor(k / 4);
      assert.ok(Math.abs(values[k] * scales[c] - w[k]) <= scales[c] / 2 + 1e-7, `weight ${k} within half a step`);
    }
  });
});
