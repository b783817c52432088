import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNpy, encodeNpy, type NpyTypedArray } from '../../main/formats/npy.ts';
import { StudioError } from '../../main/shared/errors.ts';

function badInput(pattern: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof StudioError, `expected a StudioError, got ${String(err)}`);
    assert.equal(err.code, 'BAD_INPUT');
    assert.equal(err.detail.file, 'x.npy');
    assert.match(err.message, /^x\.npy: /);
    assert.match(err.message, pattern);
    return true;
  };
}

/** A hand-made .npy file: version, header text (padded to 64 bytes like numpy), data bytes. */
function handMade(header: string, data: Uint8Array, major = 1): Buffer {
  const preamble = major === 1 ? 10 : 12;
  const padded = header.padEnd(Math.ceil((preamble + header.length + 1) / 64) * 64 - preamble - 1, ' ') + '\n';
  const head = Buffer.alloc(preamble);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]).copy(head);
  if (major === 1) head.writeUInt16LE(padded.length, 8);
  else head.writeUInt32LE(padded.length, 8);
  return Buffer.concat([head, Buffer.from(padded, 'latin1'), data]);
}

function numpyAvailable(): boolean {
  const probe = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  return probe.status === 0;
}

describe('encodeNpy', () => {
  it('writes a 1.0 header padded to 64 bytes and ending in a newline', () => {
    const file = encodeNpy(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    assert.deepEqual([...file.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = file.readUInt16LE(8);
    assert.equal((10 + headerLength) % 64, 0);
    const header = file.toString('latin1', 10, 10 + headerLength);
    assert.ok(header.endsWith('\n'));
    assert.equal(header.trimEnd(), "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
    assert.equal(file.length, 10 + headerLength + 24);
    assert.equal(file.readFloatLE(10 + headerLength + 20), 6);
  });

  it('writes descr and shape for every dtype, 1-d and 0-d shapes', () => {
    const cases: [NpyTypedArray, string][] = [
      [new Float64Array([1.5]), '<f8'],
      [new Uint8Array([7]), '|u1'],
      [new Int8Array([-7]), '|i1'],
      [new Int16Array([-300]), '<i2'],
      [new Uint16Array([300]), '<u2'],
      [new Int32Array([-70000]), '<i4'],
      [new Uint32Array([70000]), '<u4'],
      [new BigInt64Array([-5n]), '<i8'],
      [new BigUint64Array([5n]), '<u8'],
    ];
    for (const [data, descr] of cases) {
      const header = encodeNpy(data, [1]).toString('latin1', 10, 118);
      assert.ok(header.startsWith(`{'descr': '${descr}', 'fortran_order': False, 'shape': (1,), }`), header);
      assert.ok(encodeNpy(data, []).toString('latin1', 10, 118).includes("'shape': (), }"));
    }
  });

  it('encodes only the viewed part of a subarray', () => {
    const whole = new Float32Array([9, 1, 2, 9]);
    const decoded = decodeNpy(encodeNpy(whole.subarray(1, 3), [2]));
    assert.deepEqual(decoded.data, new Float32Array([1, 2]));
  });

  it('rejects a shape that does not match the data', () => {
    assert.throws(
      () => encodeNpy(new Float32Array(6), [4, 2]),
      (err: unknown) => err instanceof StudioError && err.code === 'INVALID_ARGUMENT' && err.detail.field === 'shape',
    );
    assert.throws(
      () => encodeNpy(new Float32Array(6), [6.5]),
      (err: unknown) => err instanceof StudioError && err.code === 'INVALID_ARGUMENT' && err.detail.field === 'shape',
    );
  });
});

describe('decodeNpy', () => {
  it('round-trips every dtype', () => {
    const arrays: NpyTypedArray[] = [
      Float32Array.from([0.5, -1, 3.25, Infinity]),
      Float64Array.from([Math.PI, -0, 1e300, NaN]),
      Uint8Array.from([0, 255, 1, 2]),
      Int8Array.from([-128, 127, 0, 1]),
      Int16Array.from([-32768, 32767, 0, 1]),
      Uint16Array.from([65535, 0, 1, 2]),
      Int32Array.from([-(2 ** 31), 2 ** 31 - 1, 0, 1]),
      Uint32Array.from([2 ** 32 - 1, 0, 1, 2]),
      BigInt64Array.from([-(2n ** 63n), 2n ** 63n - 1n, 0n, 1n]),
      BigUint64Array.from([2n ** 64n - 1n, 0n, 1n, 2n]),
    ];
    for (const data of arrays) {
      const decoded = decodeNpy(encodeNpy(data, [2, 2]));
      assert.equal(decoded.data.constructor, data.constructor);
      assert.deepEqual(decoded.data, data);
      assert.deepEqual(decoded.shape, [2, 2]);
    }
    assert.equal(decodeNpy(encodeNpy(new Float32Array(1), [1])).dtype, 'float32');
  });

  it('reads an unaligned buffer into an aligned array', () => {
    const file = encodeNpy(Float64Array.from([1, 2, 3]), [3]);
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    assert.deepEqual(decodeNpy(shifted.subarray(1)).data, Float64Array.from([1, 2, 3]));
  });

  it('reads version 2.0, big-endian data, Python 2 long shapes and bool', () => {
    const be = Buffer.alloc(8);
    be.writeInt32BE(-2, 0);
    be.writeInt32BE(258, 4);
    const v2 = decodeNpy(handMade("{'descr': '>i4', 'fortran_order': False, 'shape': (2L,), }", be, 2));
    assert.deepEqual(v2.data, Int32Array.from([-2, 258]));
    assert.deepEqual(v2.shape, [2]);
    const bool = decodeNpy(handMade("{'shape': (3,), 'fortran_order': False, 'descr': '|b1'}", Uint8Array.from([1, 0, 1])));
    assert.equal(bool.dtype, 'bool');
    assert.deepEqual(bool.data, Uint8Array.from([1, 0, 1]));
  });

  it('rejects bad files with BAD_INPUT naming the file', () => {
    const good = encodeNpy(new Float32Array(4), [4]);
    assert.throws(() => decodeNpy(Buffer.from('PK\x03\x04 not numpy at all'), 'x.npy'), badInput(/bad magic/));
    assert.throws(() => decodeNpy(good.subarray(0, good.length - 1), 'x.npy'), badInput(/truncated/));
    assert.throws(() => decodeNpy(good.subarray(0, 30), 'x.npy'), badInput(/truncated/));
    assert.throws(
      () => decodeNpy(handMade("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new Uint8Array(16)), 'x.npy'),
      badInput(/fortran_order/),
    );
    assert.throws(
      () => decodeNpy(handMade("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(16)), 'x.npy'),
      badInput(/unsupported .npy dtype '<c16'/),
    );
    assert.throws(
      () => decodeNpy(handMade("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)), 'x.npy'),
      badInput(/header/),
    );
    const v9 = Buffer.from(good);
    v9[6] = 9;
    assert.throws(() => decodeNpy(v9, 'x.npy'), badInput(/version 9/));
  });
});

describe('numpy interop', () => {
  const reason = numpyAvailable() ? false : 'python3 with numpy is not installed';
  it('numpy.load reads what encodeNpy writes, and decodeNpy reads numpy.save', { skip: reason }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'vskd-npy-'));
    try {
      const image = Float32Array.from({ length: 3 * 4 * 5 }, (_, k) => k / 7 - 2);
      writeFileSync(join(dir, 'ours.npy'), encodeNpy(image, [3, 4, 5]));
      writeFileSync(join(dir, 'bytes.npy'), encodeNpy(Uint8Array.from([0, 128, 255]), [3]));
      const script = [
        'import numpy as np, sys',
        'd = sys.argv[1]',
        "a = np.load(d + '/ours.npy')",
        "assert a.dtype == np.float32 and a.shape == (3, 4, 5) and a.flags['C_CONTIGUOUS']",
        'assert np.array_equal(a.ravel(), (np.arange(60) / 7 - 2).astype(np.float32))',
        "b = np.load(d + '/bytes.npy')",
        'assert b.dtype == np.uint8 and b.tolist() == [0, 128, 255]',
        "np.save(d + '/theirs.npy', np.arange(6, dtype='<f8').reshape(2, 3) * 1.5)",
        "np.save(d + '/fortran.npy', np.asfortranarray(np.ones((2, 3))))",
      ].join('\n');
      const run = spawnSync('python3', ['-c', script, dir], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const theirs = decodeNpy(readFileSync(join(dir, 'theirs.npy')));
      assert.deepEqual(theirs.shape, [2, 3]);
      assert.deepEqual(theirs.data, Float64Array.from([0, 1.5, 3, 4.5, 6, 7.5]));
      assert.throws(() => decodeNpy(readFileSync(join(dir, 'fortran.npy')), 'x.npy'), badInput(/fortran_order/));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
