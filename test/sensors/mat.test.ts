import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { StudioError } from '../../main/shared/errors.ts';
import { type MatArray, parseMat, readMatDims, readMatFile, requireVariable, toRowMajor2D } from '../../main/sensors/mat.ts';
import { writeMat } from '../../main/sensors/matWriter.ts';

const MINI = fileURLToPath(new URL('../fixtures/utd-mhad-mini/', import.meta.url));
const SEQUENCES = ['a1_s1_t1', 'a1_s2_t1', 'a2_s1_t1', 'a2_s2_t1'];
const inertialPath = (seq: string): string => join(MINI, 'Inertial', `${seq}_inertial.mat`);
const depthPath = (seq: string): string => join(MINI, 'Depth', `${seq}_depth.mat`);
const skeletonPath = (seq: string): string => join(MINI, 'Skeleton', `${seq}_skeleton.mat`);

/** Expects a BAD_INPUT StudioError whose message names `file` and matches `problem`. */
function isBadInput(file: string, problem: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof StudioError, `expected a StudioError, got ${String(err)}`);
    assert.equal(err.code, 'BAD_INPUT', err.message);
    assert.ok(err.message.includes(file), `message should name ${file}: ${err.message}`);
    assert.match(err.message, problem);
    return true;
  };
}

// ---- hand-built MAT-files, for storage types, classes and byte orders writeMat does not produce ----

const SETTERS: Record<number, (v: DataView, at: number, x: number, le: boolean) => void> = {
  1: (v, at, x) => v.setInt8(at, x),
  2: (v, at, x) => v.setUint8(at, x),
  3: (v, at, x, le) => v.setInt16(at, x, le),
  4: (v, at, x, le) => v.setUint16(at, x, le),
  5: (v, at, x, le) => v.setInt32(at, x, le),
  6: (v, at, x, le) => v.setUint32(at, x, le),
  7: (v, at, x, le) => v.setFloat32(at, x, le),
  9: (v, at, x, le) => v.setFloat64(at, x, le),
  12: (v, at, x, le) => v.setBigInt64(at, BigInt(x), le),
  13: (v, at, x, le) => v.setBigUint64(at, BigInt(x), le),
};
const STORAGE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8 };

function encode(le: boolean, type: number, values: number[]): Uint8Array {
  const size = STORAGE_SIZES[type]!;
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((x, i) => SETTERS[type]!(view, i * size, x, le));
  return out;
}

/** Tag + data + padding (never the small form, which the reader must also accept). */
function element(le: boolean, type: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + Math.ceil(data.length / 8) * 8);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, le);
  view.setUint32(4, data.length, le);
  out.set(data, 8);
  return out;
}

interface RawArray {
  name: string;
  classCode: number;
  flags?: number;
  dims: number[];
  storageType: number;
  values: number[];
}

function matrixElement(le: boolean, a: RawArray): Uint8Array {
  const parts = [
    element(le, 6, encode(le, 6, [a.classCode | ((a.flags ?? 0) << 8), 0])),
    element(le, 5, encode(le, 5, a.dims)),
    element(le, 1, new TextEncoder().encode(a.name)),
    element(le, a.storageType, encode(le, a.storageType, a.values)),
  ];
  return element(le, 14, Buffer.concat(parts));
}

function rawMat(le: boolean, arrays: RawArray[], compress = false): Buffer {
  const header = Buffer.alloc(128, ' ');
  header.write('MATLAB 5.0 MAT-file, hand-built for tests', 0, 'latin1');
  header.fill(0, 116, 124);
  if (le) header.writeUInt16LE(0x0100, 124);
  else header.writeUInt16BE(0x0100, 124);
  header.write(le ? 'IM' : 'MI', 126, 'latin1');
  const elements = arrays.map((a) => {
    const matrix = matrixElement(le, a);
    if (!compress) return matrix;
    const deflated = deflateSync(matrix);
    return element(le, 15, deflated).subarray(0, 8 + deflated.length); // compressed elements are not padded
  });
  return Buffer.concat([header, ...elements]);
}

// ---- real files ----

// Reference values decoded independently with scipy.io.loadmat (row, col[, frame] indices are 0-based).
const INERTIAL_REF: Record<string, { T: number; v00: number; v05: number; vLast3: number; v50_2: number }> = {
  a1_s1_t1: { T: 160, v00: -0.959473, v05: 0.152672, vLast3: 0.091603, v50_2: -0.27124 },
  a1_s2_t1: { T: 142, v00: -0.998047, v05: -0.091603, vLast3: -13.89313, v50_2: -0.724121 },
  a2_s1_t1: { T: 166, v00: -0.931152, v05: 5.618321, vLast3: -8.396947, v50_2: -0.135742 },
  a2_s2_t1: { T: 165, v00: -0.996094, v05: -11.633588, vLast3: -2.015267, v50_2: -0.120361 },
};
const SKELETON_REF: Record<string, { F: number; v000: number; v19_2_last: number; v5_1_10: number }> = {
  a1_s1_t1: { F: 48, v000: -0.045762646943330765, v19_2_last: 2.9011144638061523, v5_1_10: -0.08354783803224564 },
  a1_s2_t1: { F: 58, v000: -0.09021344780921936, v19_2_last: 2.902907609939575, v5_1_10: -0.18346700072288513 },
  a2_s1_t1: { F: 61, v000: -0.043169520795345306, v19_2_last: 2.99151873588562, v5_1_10: -0.07602821290493011 },
  a2_s2_t1: { F: 60, v000: -0.10807745158672333, v19_2_last: 2.920149803161621, v5_1_10: -0.19334103167057037 },
};
const DEPTH_REF: Record<string, { F: number; max: number; centre0: number; sum: number }> = {
  a1_s1_t1: { F: 48, max: 3201, centre0: 2743, sum: 819590787 },
  a1_s2_t1: { F: 58, max: 3115, centre0: 2765, sum: 840977365 },
  a2_s1_t1: { F: 61, max: 3975, centre0: 2810, sum: 1040989547 },
  a2_s2_t1: { F: 60, max: 3115, centre0: 2810, sum: 872520220 },
};

describe('reading the real UTD-MHAD files', () => {
  for (const seq of SEQUENCES) {
    test(`${seq} inertial: d_iner is T×6 double with the values scipy decodes`, async () => {
      const file = inertialPath(seq);
      const ref = INERTIAL_REF[seq]!;
      const iner = requireVariable(await readMatFile(file), 'd_iner', file, { dims: [null, 6] });
      assert.equal(iner.className, 'double');
      assert.deepEqual(iner.dims, [ref.T, 6]);
      assert.ok(iner.data instanceof Float64Array);
      assert.equal(iner.data.length, ref.T * 6);
      const at = (r: number, c: number): number => iner.data[c * ref.T + r]!;
      assert.equal(at(0, 0), ref.v00);
      assert.equal(at(0, 5), ref.v05);
      assert.equal(at(ref.T - 1, 3), ref.vLast3);
      assert.equal(at(50, 2), ref.v50_2);
      for (let r = 0; r < ref.T; r++) {
        for (let c = 0; c < 3; c++) assert.ok(Math.abs(at(r, c)) <= 8, `acc ${at(r, c)} beyond ±8 g`);
        for (let c = 3; c < 6; c++) assert.ok(Math.abs(at(r, c)) <= 1000, `gyro ${at(r, c)} beyond ±1000`);
      }
    });

    test(`${seq} skeleton: d_skel is 20×3×F double`, async () => {
      const file = skeletonPath(seq);
      const ref = SKELETON_REF[seq]!;
      const skel = requireVariable(await readMatFile(file), 'd_skel', file, { dims: [20, 3, null] });
      assert.deepEqual(skel.dims, [20, 3, ref.F]);
      assert.equal(skel.data.length, 20 * 3 * ref.F);
      const at = (j: number, axis: number, f: number): number => skel.data[j + 20 * axis + 60 * f]!;
      assert.equal(at(0, 0, 0), ref.v000);
      assert.equal(at(19, 2, ref.F - 1), ref.v19_2_last);
      assert.equal(at(5, 1, 10), ref.v5_1_10);
    });
  }

  test('depth: d_depth is class double stored as uint16, decoded to Float64Array', async () => {
    const seq = 'a1_s1_t1';
    const file = depthPath(seq);
    const ref = DEPTH_REF[seq]!;
    const depth = requireVariable(await readMatFile(file), 'd_depth', file, { dims: [240, 320, null] });
    assert.equal(depth.className, 'double');
    assert.ok(depth.data instanceof Float64Array);
    assert.deepEqual(depth.dims, [240, 320, ref.F]);
    assert.equal(depth.data[120 + 240 * 160], ref.centre0);
    let max = 0;
    let sum = 0;
    for (const v of depth.data) {
      if (v > max) max = v;
      sum += v;
    }
    assert.equal(max, ref.max);
    assert.equal(sum, ref.sum);
  });

  test('readMatDims agrees with parseMat on every fixture file', async () => {
    for (const seq of SEQUENCES) {
      for (const file of [depthPath(seq), skeletonPath(seq), inertialPath(seq)]) {
        const [arr] = parseMat(await readFile(file), file).values();
        assert.ok(arr);
        assert.deepEqual(await readMatDims(file), { name: arr.name, className: arr.className, dims: arr.dims });
      }
    }
    assert.deepEqual((await readMatDims(depthPath('a2_s1_t1'), 'd_depth')).dims, [240, 320, DEPTH_REF['a2_s1_t1']!.F]);
  });

  test('toRowMajor2D turns a T×6 matrix into rows of 6', async () => {
    const file = inertialPath('a1_s1_t1');
    const ref = INERTIAL_REF['a1_s1_t1']!;
    const { rows, cols, data } = toRowMajor2D((await readMatFile(file)).get('d_iner')!);
    assert.equal(rows, ref.T);
    assert.equal(cols, 6);
    assert.equal(data[0], ref.v00);
    assert.equal(data[5], ref.v05);
    assert.equal(data[(ref.T - 1) * 6 + 3], ref.vLast3);
    assert.equal(data[50 * 6 + 2], ref.v50_2);
  });

  test('toRowMajor2D rejects a 3-D array', () => {
    const arr: MatArray = { name: 'd_skel', className: 'double', dims: [20, 3, 2], data: new Float64Array(120) };
    assert.throws(() => toRowMajor2D(arr), /d_skel has shape 20×3×2, expected a 2-D matrix/);
  });
});

// ---- writer round trip ----

describe('writeMat round trip', () => {
  const vars = [
    { name: 'd_iner', className: 'double' as const, dims: [3, 2], data: [1.5, NaN, -0, Infinity, -Infinity, 1e-300] },
    { name: 's', className: 'single' as const, dims: [2, 2], data: [0.5, -1, 3.25, 1e30] },
    { name: 'u', className: 'uint16' as const, dims: [1, 1], data: [65535] }, // 2 bytes: a small data element
    { name: 'img', className: 'uint16' as const, dims: [2, 3, 2], data: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] },
    { name: 'empty', className: 'double' as const, dims: [0, 3], data: [] },
  ];

  for (const compress of [true, false]) {
    test(`reads back what it writes (compress: ${compress})`, () => {
      const buf = writeMat(vars, { compress });
      if (!compress) assert.equal(buf.length % 8, 0, 'uncompressed elements are padded to 8 bytes');
      const read = parseMat(buf, 'roundtrip.mat');
      assert.deepEqual(
        [...read.keys()],
        vars.map((v) => v.name),
      );
      assert.deepEqual(read.get('d_iner'), { name: 'd_iner', className: 'double', dims: [3, 2], data: new Float64Array(vars[0]!.data) });
      assert.deepEqual(read.get('s')!.data, new Float32Array(vars[1]!.data));
      assert.equal(read.get('s')!.className, 'single');
      assert.deepEqual(read.get('u'), { name: 'u', className: 'uint16', dims: [1, 1], data: new Uint16Array([65535]) });
      assert.deepEqual(read.get('img')!.dims, [2, 3, 2]);
      assert.deepEqual(read.get('img')!.data, new Uint16Array(vars[3]!.data));
      assert.deepEqual(read.get('empty'), { name: 'empty', className: 'double', dims: [0, 3], data: new Float64Array(0) });
    });
  }

  for (const compress of [true, false]) {
    test(`readMatDims finds a named variable past the first (compress: ${compress})`, async (t) => {
      const dir = await mkdtemp(join(tmpdir(), 'vskd-mat-'));
      t.after(() => rm(dir, { recursive: true, force: true }));
      const path = join(dir, 'several.mat');
      await writeFile(path, writeMat(vars, { compress }));
      assert.deepEqual(await readMatDims(path), { name: 'd_iner', className: 'double', dims: [3, 2] });
      assert.deepEqual(await readMatDims(path, 'img'), { name: 'img', className: 'uint16', dims: [2, 3, 2] });
      assert.deepEqual(await readMatDims(path, 'empty'), { name: 'empty', className: 'double', dims: [0, 3] });
    });
  }

  test('a vector is written as n×1', () => {
    const buf = writeMat([{ name: 'v', className: 'double', dims: [3], data: [1, 2, 3] }]);
    assert.deepEqual(parseMat(buf, 'v.mat').get('v')!.dims, [3, 1]);
  });

  test('stamps the platform and time in the header unless asked not to, and then writes the same bytes', () => {
    const vars = [{ name: 'v', className: 'double' as const, dims: [3], data: [1, 2, 3] }];
    assert.match(
      writeMat(vars).subarray(0, 116).toString('latin1'),
      new RegExp(`^MATLAB 5\\.0 MAT-file, Platform: ${process.platform}, Created on: .* GMT by VSKD Studio`),
    );
    const plain = writeMat(vars, { stamp: false });
    assert.match(plain.subarray(0, 116).toString('latin1'), /^MATLAB 5\.0 MAT-file, written by VSKD Studio +$/);
    assert.deepEqual(writeMat(vars, { stamp: false }), plain);
    assert.deepEqual(parseMat(plain, 'v.mat').get('v')!.data, Float64Array.from([1, 2, 3]));
  });

  test('rejects values it cannot write', () => {
    const invalid = (err: unknown): boolean => err instanceof StudioError && err.code === 'INVALID_ARGUMENT';
    assert.throws(() => writeMat([{ name: 'x', className: 'double', dims: [2, 2], data: [1, 2, 3] }]), invalid);
    assert.throws(() => writeMat([{ name: 'x', className: 'uint16', dims: [1, 2], data: [1, 70000] }]), invalid);
    assert.throws(() => writeMat([{ name: 'x', className: 'uint16', dims: [1, 1], data: [NaN] }]), invalid);
    assert.throws(() => writeMat([{ name: '1x', className: 'double', dims: [1, 1], data: [1] }]), invalid);
    const x = { name: 'x', className: 'double' as const, dims: [1, 1], data: [1] };
    assert.throws(() => writeMat([x, x]), invalid);
  });

  test('`only` reads the named variables without inflating the others', () => {
    const noise = Float64Array.from({ length: 50_000 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453);
    const buf = writeMat([
      { name: 'big', className: 'double', dims: [noise.length, 1], data: noise },
      { name: 'wanted', className: 'double', dims: [1, 2], data: [4, 2] },
    ]);
    // Corrupt the tail of big's compressed stream: reading everything fails, reading `wanted` does not.
    const bigEnd = 128 + 8 + buf.readUInt32LE(132);
    buf.fill(0xff, bigEnd - 4000, bigEnd - 100);
    assert.throws(() => parseMat(buf, 'only.mat'), isBadInput('only.mat', /corrupt compressed data/));
    const read = parseMat(buf, 'only.mat', { only: ['wanted'] });
    assert.deepEqual([...read.keys()], ['wanted']);
    assert.deepEqual(read.get('wanted')!.data, new Float64Array([4, 2]));
  });
});

// ---- storage types, classes and byte orders ----

describe('storage types, classes and byte order', () => {
  test('a double array stored as uint8 / int16 is decoded to Float64Array', () => {
    const buf = rawMat(true, [
      { name: 'a', classCode: 6, dims: [2, 2], storageType: 2, values: [0, 1, 200, 255] },
      { name: 'b', classCode: 6, dims: [1, 3], storageType: 3, values: [-32768, 0, 1234] },
    ]);
    const read = parseMat(buf, 'narrow.mat');
    assert.deepEqual(read.get('a'), { name: 'a', className: 'double', dims: [2, 2], data: new Float64Array([0, 1, 200, 255]) });
    assert.deepEqual(read.get('b')!.data, new Float64Array([-32768, 0, 1234]));
  });

  for (const compress of [false, true]) {
    test(`big-endian ('MI') files are read (compress: ${compress})`, () => {
      const buf = rawMat(
        false,
        [
          { name: 'd', classCode: 6, dims: [2, 1], storageType: 9, values: [Math.PI, -2.5] },
          { name: 'i', classCode: 10, dims: [1, 3], storageType: 3, values: [-2, 300, 32767] },
          { name: 'n', classCode: 6, dims: [1, 2], storageType: 4, values: [1, 65000] },
        ],
        compress,
      );
      const read = parseMat(buf, 'be.mat');
      assert.deepEqual(read.get('d')!.data, new Float64Array([Math.PI, -2.5]));
      assert.deepEqual(read.get('i'), { name: 'i', className: 'int16', dims: [1, 3], data: new Int16Array([-2, 300, 32767]) });
      assert.deepEqual(read.get('n')!.data, new Float64Array([1, 65000]));
    });
  }

  test('integer classes, 64-bit integers (as Float64Array) and logical', () => {
    const buf = rawMat(true, [
      { name: 'i8', classCode: 8, dims: [1, 2], storageType: 1, values: [-128, 127] },
      { name: 'i32', classCode: 12, dims: [1, 2], storageType: 5, values: [-5, 2 ** 31 - 1] },
      { name: 'u32', classCode: 13, dims: [1, 1], storageType: 6, values: [2 ** 32 - 1] },
      { name: 'i64', classCode: 14, dims: [1, 2], storageType: 12, values: [-(2 ** 53), 7] },
      { name: 'u64', classCode: 15, dims: [1, 1], storageType: 13, values: [2 ** 40] },
      { name: 'flag', classCode: 9, flags: 0x02, dims: [1, 3], storageType: 2, values: [1, 0, 1] },
    ]);
    const read = parseMat(buf, 'ints.mat');
    assert.deepEqual(read.get('i8')!.data, new Int8Array([-128, 127]));
    assert.deepEqual(read.get('i32')!.data, new Int32Array([-5, 2 ** 31 - 1]));
    assert.deepEqual(read.get('u32')!.data, new Uint32Array([2 ** 32 - 1]));
    assert.deepEqual(read.get('i64'), { name: 'i64', className: 'int64', dims: [1, 2], data: new Float64Array([-(2 ** 53), 7]) });
    assert.deepEqual(read.get('u64')!.data, new Float64Array([2 ** 40]));
    assert.deepEqual(read.get('flag'), { name: 'flag', className: 'logical', dims: [1, 3], data: new Uint8Array([1, 0, 1]) });
  });

  const withUnsupported = (): Buffer =>
    rawMat(true, [
      { name: 'label', classCode: 4, dims: [1, 2], storageType: 4, values: [104, 105] }, // char 'hi'
      { name: 'z', classCode: 6, flags: 0x08, dims: [1, 1], storageType: 9, values: [1] }, // complex (imag part omitted)
      { name: 'ok', classCode: 6, dims: [1, 1], storageType: 9, values: [3] },
    ]);

  test('char and complex arrays are skipped unless asked for', async () => {
    assert.deepEqual([...parseMat(withUnsupported(), 'mixed.mat').keys()], ['ok']);
    assert.deepEqual([...parseMat(withUnsupported(), 'mixed.mat', { only: ['ok'] }).keys()], ['ok']);
  });

  test('readMatDims reports the class of arrays it cannot decode', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'vskd-mat-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'mixed.mat');
    await writeFile(path, withUnsupported());
    assert.deepEqual(await readMatDims(path), { name: 'label', className: 'char', dims: [1, 2] });
    assert.deepEqual(await readMatDims(path, 'z'), { name: 'z', className: 'complex double', dims: [1, 1] });
  });

  test('asking for an unsupported class by name is a clear error', async () => {
    assert.throws(() => parseMat(withUnsupported(), 'mixed.mat', { only: ['label'] }), isBadInput('mixed.mat', /unsupported: variable label is a char array/));
    assert.throws(
      () => parseMat(withUnsupported(), 'mixed.mat', { only: ['z'] }),
      isBadInput('mixed.mat', /unsupported: variable z is a complex double array/),
    );
  });
});

// ---- bad input ----

describe('bad input names the file and the problem', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vskd-mat-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const writeTemp = async (name: string, bytes: Uint8Array): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, bytes);
    return path;
  };

  test('empty file', async () => {
    const path = await writeTemp('empty_inertial.mat', new Uint8Array(0));
    await assert.rejects(readMatFile(path), isBadInput(path, /empty file/));
    await assert.rejects(readMatDims(path), isBadInput(path, /empty file/));
  });

  test('not a MAT-file', async () => {
    const text = Buffer.from('timestamp,ax,ay,az\n'.repeat(20));
    assert.throws(() => parseMat(text, 'acc.csv'), isBadInput('acc.csv', /not a MAT-file/));
    assert.throws(() => parseMat(text.subarray(0, 40), 'short.mat'), isBadInput('short.mat', /not a MAT-file: too short/));
    const level4 = Buffer.alloc(200);
    assert.throws(() => parseMat(level4, 'old.mat'), isBadInput('old.mat', /level-4/));
    const v73 = writeMat([{ name: 'x', className: 'double', dims: [1, 1], data: [1] }]);
    v73.writeUInt16LE(0x0200, 124);
    assert.throws(() => parseMat(v73, 'v73.mat'), isBadInput('v73.mat', /version 7.3 \(HDF5\)/));
  });

  test('truncated file (a real fixture cut in half)', async () => {
    const whole = await readFile(inertialPath('a1_s1_t1'));
    const half = await writeTemp('half_inertial.mat', whole.subarray(0, whole.length >> 1));
    await assert.rejects(readMatFile(half), isBadInput(half, /truncated: element at byte 128 claims 5150 bytes, file has 2507/));
    const depth = await readFile(depthPath('a1_s1_t1'));
    const halfDepth = await writeTemp('half_depth.mat', depth.subarray(0, depth.length >> 1));
    await assert.rejects(readMatDims(halfDepth), isBadInput(halfDepth, /truncated/));
  });

  test('corrupt compressed data', async () => {
    const bytes = Buffer.from(await readFile(inertialPath('a1_s1_t1')));
    for (let i = 2000; i < 2032; i++) bytes[i]! ^= 0xff;
    const path = await writeTemp('flipped_inertial.mat', bytes);
    await assert.rejects(readMatFile(path), isBadInput(path, /corrupt compressed data in the element at byte 128/));
  });

  test('data element smaller than its dims need', () => {
    const buf = rawMat(true, [{ name: 'x', classCode: 6, dims: [3, 2], storageType: 9, values: [1, 2, 3] }]);
    assert.throws(() => parseMat(buf, 'short_data.mat'), isBadInput('short_data.mat', /corrupt: variable x \(3×2\) needs 6 values/));
  });

  test('missing variable', async () => {
    const file = inertialPath('a1_s1_t1');
    const vars = await readMatFile(file);
    assert.throws(() => requireVariable(vars, 'd_depth', file), isBadInput(file, /variable d_depth not found \(file has d_iner\)/));
    await assert.rejects(readMatDims(file, 'd_depth'), isBadInput(file, /variable d_depth not found/));
  });

  test('wrong shape', () => {
    const buf = writeMat([{ name: 'd_iner', className: 'double', dims: [107, 5], data: new Float64Array(535) }]);
    const vars = parseMat(buf, 'five_cols.mat');
    assert.throws(
      () => requireVariable(vars, 'd_iner', 'five_cols.mat', { dims: [null, 6] }),
      isBadInput('five_cols.mat', /variable d_iner has shape 107×5, expected N×6/),
    );
    assert.throws(
      () => requireVariable(vars, 'd_iner', 'five_cols.mat', { dims: [null, 6] }),
      (err: unknown) => err instanceof StudioError && err.detail.field === 'd_iner',
    );
    const cube = writeMat([{ name: 'd_skel', className: 'double', dims: [2, 3, 4], data: new Float64Array(24) }]);
    assert.throws(
      () => requireVariable(parseMat(cube, 'cube.mat'), 'd_skel', 'cube.mat', { rank: 2 }),
      isBadInput('cube.mat', /variable d_skel has shape 2×3×4, expected N×N/),
    );
  });

  test('trailing singleton dims dropped by MATLAB still match (one depth frame)', () => {
    const buf = writeMat([{ name: 'd_depth', className: 'uint16', dims: [240, 320], data: new Uint16Array(240 * 320) }]);
    const arr = requireVariable(parseMat(buf, 'one_frame.mat'), 'd_depth', 'one_frame.mat', { dims: [240, 320, null] });
    assert.deepEqual(arr.dims, [240, 320, 1]);
  });

  test('unsupported class requested by name', () => {
    const buf = rawMat(true, [{ name: 'd_iner', classCode: 2, dims: [1, 1], storageType: 2, values: [0] }]);
    assert.throws(() => parseMat(buf, 'struct.mat', { only: ['d_iner'] }), isBadInput('struct.mat', /unsupported: variable d_iner is a struct array/));
  });

  test('missing file is NOT_FOUND', async () => {
    const path = join(dir, 'nope.mat');
    const notFound = (err: unknown): boolean => err instanceof StudioError && err.code === 'NOT_FOUND' && err.message.includes(path);
    await assert.rejects(readMatFile(path), notFound);
    await assert.rejects(readMatDims(path), notFound);
  });
});
