import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { constants, deflateRawSync } from 'node:zlib';
import { StudioError } from '../../main/shared/errors.ts';
import { DEFAULT_MAT_LIMITS, parseMat, readMatDims, readMatFile } from '../../main/sensors/mat.ts';
import { writeMat } from '../../main/sensors/matWriter.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('vskd-mat-limits-');

/** Expects a one-line BAD_INPUT naming `file` and matching `problem`. */
function refused(file: string, problem: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof StudioError, `expected a StudioError, got ${String(err)}`);
    assert.equal(err.code, 'BAD_INPUT', err.message);
    assert.ok(err.message.startsWith(file), err.message);
    assert.ok(!err.message.includes('\n'), err.message);
    assert.match(err.message, problem);
    return true;
  };
}

function matHeader(): Buffer {
  const header = Buffer.alloc(128, ' ');
  header.write('MATLAB 5.0 MAT-file, a zip bomb built for tests', 0, 'latin1');
  header.fill(0, 116, 124);
  header.writeUInt16LE(0x0100, 124);
  header.write('IM', 126, 'latin1');
  return header;
}

/** Tag + data padded to 8 bytes, little-endian. */
function element(type: number, data: Uint8Array): Buffer {
  const out = Buffer.alloc(8 + Math.ceil(data.length / 8) * 8);
  out.writeUInt32LE(type, 0);
  out.writeUInt32LE(data.length, 4);
  out.set(data, 8);
  return out;
}

const ADLER_MOD = 65521;

/** adler32 of `bytes` followed by `zeros` zero bytes (zeros leave `a` alone and add `a` to `b` each). */
function adler32(bytes: Uint8Array, zeros: number): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % ADLER_MOD;
    b = (b + a) % ADLER_MOD;
  }
  b = (b + (zeros % ADLER_MOD) * a) % ADLER_MOD;
  return ((b << 16) | a) >>> 0;
}

/**
 * A MAT-file whose one compressed element is a `rows`×6 double d_iner of zeros, built without ever holding
 * the inflated data: a zlib stream of independent (full-flushed) deflate blocks, one for the array's header
 * and one block of 1 MiB of zeros repeated. `claimRows` lets the header lie about the size.
 */
function zeroInertialMat(rows: number, claimRows = rows): Buffer {
  const dataBytes = rows * 6 * 8;
  const claimedData = claimRows * 6 * 8;
  const dims = Buffer.alloc(8);
  dims.writeInt32LE(claimRows, 0);
  dims.writeInt32LE(6, 4);
  const flags = Buffer.alloc(8);
  flags.writeUInt32LE(6, 0); // class double
  const arrayHead = Buffer.concat([element(6, flags), element(5, dims), element(1, Buffer.from('d_iner'))]);
  const dataTag = Buffer.alloc(8);
  dataTag.writeUInt32LE(9, 0); // miDOUBLE
  dataTag.writeUInt32LE(claimedData, 4);
  const matrixTag = Buffer.alloc(8);
  matrixTag.writeUInt32LE(14, 0);
  matrixTag.writeUInt32LE(arrayHead.length + 8 + claimedData, 4);
  const head = Buffer.concat([matrixTag, arrayHead, dataTag]);

  const flush = { finishFlush: constants.Z_FULL_FLUSH };
  const chunk = 2 ** 20;
  const zeroBlock = deflateRawSync(Buffer.alloc(chunk), flush);
  const blocks: Buffer[] = [Buffer.from([0x78, 0x9c]), deflateRawSync(head, flush)];
  for (let left = dataBytes; left > 0; left -= chunk) {
    blocks.push(left >= chunk ? zeroBlock : deflateRawSync(Buffer.alloc(left), flush));
  }
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(adler32(head, dataBytes), 0);
  blocks.push(Buffer.from([0x03, 0x00]), trailer); // an empty final block, then the checksum
  const compressed = Buffer.concat(blocks);
  const tag = Buffer.alloc(8);
  tag.writeUInt32LE(15, 0);
  tag.writeUInt32LE(compressed.length, 4);
  return Buffer.concat([matHeader(), tag, compressed]);
}

describe('limits on MAT-file reads', () => {
  test('the builder makes real MAT-files: a small one reads back as zeros', () => {
    const arr = parseMat(zeroInertialMat(200_000), 'small.mat').get('d_iner')!;
    assert.deepEqual(arr.dims, [200_000, 6]);
    assert.equal(arr.data.length, 1_200_000);
    assert.ok(arr.data.every((v) => v === 0));
  });

  test('a 1.5 MB file inflating to 1.58 GB (d_iner 33 000 000 × 6) is refused at once', async () => {
    const bomb = zeroInertialMat(33_000_000);
    assert.ok(bomb.length < 2e6, `the bomb is ${bomb.length} bytes`);
    const path = join(dir, 'a1_s1_t1_inertial.mat');
    await writeFile(path, bomb);
    const before = process.memoryUsage().arrayBuffers;
    const started = performance.now();
    const tooLong = refused(path, /d_iner is 33000000×6: a dimension of 33000000, over the limit of 1000000 \(maxDimension\)/);
    await assert.rejects(readMatFile(path, { only: ['d_iner'] }), tooLong);
    await assert.rejects(readMatFile(path), tooLong);
    await assert.rejects(readMatDims(path, 'd_iner'), tooLong);
    assert.ok(performance.now() - started < 1000, `took ${performance.now() - started} ms`);
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 2 ** 20, 'held no inflated data');
  });

  test('with a larger maxDimension, the element count and then the inflated size still refuse it', async () => {
    const path = join(dir, 'bomb_inertial.mat');
    await writeFile(path, zeroInertialMat(33_000_000));
    await assert.rejects(
      readMatFile(path, { limits: { maxDimension: 1e8 } }),
      refused(path, /d_iner is 33000000×6: 198000000 values, over the limit of 67108864 \(maxElements\)/),
    );
    await assert.rejects(
      readMatFile(path, { limits: { maxDimension: 1e8, maxElements: 1e9 } }),
      refused(path, /the compressed element at byte 128 inflates to 1584000064 bytes, over the limit of 268435456 \(maxInflatedBytes\)/),
    );
  });

  test('a header that understates its data stops the inflation at the size it claims', () => {
    const liar = zeroInertialMat(33_000_000, 100);
    const started = performance.now();
    assert.throws(
      () => parseMat(liar, 'liar.mat'),
      refused('liar.mat', /the compressed element at byte 128 inflates to more than the 4864 bytes its array claims/),
    );
    assert.ok(performance.now() - started < 1000, `took ${performance.now() - started} ms`);
  });

  test('each limit can be set per read and is named when hit', async () => {
    const depth = writeMat([{ name: 'd_depth', className: 'uint16', dims: [24, 32, 10], data: new Uint16Array(7680) }]);
    const path = join(dir, 'small_depth.mat');
    await writeFile(path, depth);
    const cases: [Partial<typeof DEFAULT_MAT_LIMITS>, RegExp][] = [
      [{ maxRank: 2 }, /array at byte 8 of the data inflated from the compressed element at byte 128 has 3 dimensions, over the limit of 2 \(maxRank\)/],
      [{ maxDimension: 31 }, /d_depth is 24×32×10: a dimension of 32, over the limit of 31 \(maxDimension\)/],
      [{ maxElements: 7679 }, /d_depth is 24×32×10: 7680 values, over the limit of 7679 \(maxElements\)/],
      [{ maxInflatedBytes: 1000 }, /inflates to \d+ bytes, over the limit of 1000 \(maxInflatedBytes\)/],
      [{ maxFileBytes: 100 }, /the file has \d+ bytes, over the limit of 100 \(maxFileBytes\)/],
    ];
    for (const [limits, problem] of cases) {
      await assert.rejects(readMatFile(path, { limits }), refused(path, problem));
    }
    await assert.rejects(readMatDims(path, 'd_depth', { maxDimension: 31 }), refused(path, /maxDimension/));
    assert.equal((await readMatFile(path)).get('d_depth')!.data.length, 7680);
  });

  test('a folder where a MAT-file should be is a one-line error naming it', async () => {
    const folder = join(dir, 'a2_s1_t1_inertial.mat');
    await mkdir(folder);
    await assert.rejects(readMatFile(folder), refused(folder, /is a folder, expected a MAT-file/));
    await assert.rejects(readMatDims(folder), refused(folder, /is a folder, expected a MAT-file/));
  });

  test('a device that never ends is refused, not read', { skip: process.platform === 'win32' }, async () => {
    await assert.rejects(readMatFile('/dev/zero'), refused('/dev/zero', /is not a regular file, expected a MAT-file/));
  });
});
