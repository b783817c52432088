import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { PNG_SIGNATURE, crc32, encodePng, gafToRgb, tableCrc32 } from '../../main/formats/png.ts';
import { gafImage } from '../../main/shared/gaf.ts';
import { StudioError } from '../../main/shared/errors.ts';

interface Chunk {
  type: string;
  data: Buffer;
  crc: number;
  crcInput: Buffer;
}

function readChunks(png: Buffer): Chunk[] {
  assert.deepEqual(png.subarray(0, 8), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const chunks: Chunk[] = [];
  let at = 8;
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    chunks.push({
      type: png.toString('latin1', at + 4, at + 8),
      data: png.subarray(at + 8, at + 8 + length),
      crc: png.readUInt32BE(at + 8 + length),
      crcInput: png.subarray(at + 4, at + 8 + length),
    });
    at += 12 + length;
  }
  assert.equal(at, png.length);
  return chunks;
}

/** Decodes our own output: every row must use filter 0. */
function decodePixels(png: Buffer): { width: number; height: number; channels: number; pixels: Buffer } {
  const chunks = readChunks(png);
  const ihdr = chunks[0].data;
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const channels = ihdr[9] === 2 ? 3 : 1;
  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  assert.equal(raw.length, height * (1 + width * channels));
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = raw.subarray(y * (1 + width * channels), (y + 1) * (1 + width * channels));
    assert.equal(row[0], 0, `filter byte of row ${y}`);
    rows.push(row.subarray(1));
  }
  return { width, height, channels, pixels: Buffer.concat(rows) };
}

describe('crc32', () => {
  it('matches the standard check value', () => {
    const check = Buffer.from('123456789', 'latin1');
    assert.equal(crc32(check), 0xcbf43926);
    assert.equal(tableCrc32(check), 0xcbf43926);
    assert.equal(tableCrc32(new Uint8Array(0)), 0);
  });
});

describe('encodePng', () => {
  it('writes signature, IHDR, IDAT and IEND with valid CRCs (RGB)', () => {
    const width = 5;
    const height = 3;
    const rgb = Uint8Array.from({ length: width * height * 3 }, (_, k) => (k * 37) % 256);
    const png = encodePng(width, height, rgb, 3);
    assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
    const chunks = readChunks(png);
    assert.deepEqual(
      chunks.map((c) => c.type),
      ['IHDR', 'IDAT', 'IEND'],
    );
    for (const c of chunks) assert.equal(c.crc, tableCrc32(c.crcInput), `${c.type} CRC`);
    const ihdr = chunks[0].data;
    assert.equal(ihdr.length, 13);
    assert.equal(ihdr.readUInt32BE(0), width);
    assert.equal(ihdr.readUInt32BE(4), height);
    assert.deepEqual([...ihdr.subarray(8)], [8, 2, 0, 0, 0]);
    assert.equal(chunks[2].data.length, 0);
    const decoded = decodePixels(png);
    assert.deepEqual(new Uint8Array(decoded.pixels), rgb);
  });

  it('writes grayscale with colour type 0', () => {
    const gray = Uint8Array.from([0, 64, 128, 255]);
    const png = encodePng(2, 2, gray, 1);
    assert.deepEqual([...readChunks(png)[0].data.subarray(8)], [8, 0, 0, 0, 0]);
    const decoded = decodePixels(png);
    assert.equal(decoded.channels, 1);
    assert.deepEqual(new Uint8Array(decoded.pixels), gray);
  });

  it('rejects sizes and pixel buffers that do not agree', () => {
    const invalid = (field: string) => (err: unknown) => err instanceof StudioError && err.code === 'INVALID_ARGUMENT' && err.detail.field === field;
    assert.throws(() => encodePng(0, 2, new Uint8Array(0), 1), invalid('width'));
    assert.throws(() => encodePng(2, 1.5, new Uint8Array(3), 1), invalid('height'));
    assert.throws(() => encodePng(2, 2, new Uint8Array(4), 4 as never), invalid('channels'));
    assert.throws(() => encodePng(2, 2, new Uint8Array(4), 3), invalid('pixels'));
  });
});

describe('gafToRgb', () => {
  it('maps channel planes to interleaved R, G, B over the range, clamping outside it (NaN → 0)', () => {
    // 3 × 1 × 1 images: one pixel, its R, G, B from the three planes
    assert.deepEqual(gafToRgb(Float32Array.from([-1, 0, 1]), 1, [-1, 1]), Uint8Array.from([0, 128, 255]));
    assert.deepEqual(gafToRgb(Float32Array.from([-1, 0, 1]), 1, [0, 1]), Uint8Array.from([0, 0, 255]));
    assert.deepEqual(gafToRgb(Float32Array.from([2, NaN, 0.5]), 1, [0, 1]), Uint8Array.from([255, 0, 128]));
    const sixValues = new Float32Array(6);
    const invalidField = (field: string) => (err: unknown) => err instanceof StudioError && err.detail.field === field;
    assert.throws(() => gafToRgb(sixValues, 1, [-1, 1]), invalidField('image'));
    assert.throws(() => gafToRgb(sixValues.subarray(0, 3), 1, [1, 1]), invalidField('range'));
  });

  it('turns a 3-channel GAF into a PNG of the same size', () => {
    const size = 32;
    const signal = [0, 1, 2].map((ch) => Array.from({ length: 100 }, (_, t) => Math.sin(t / (5 + ch))));
    const image = gafImage(signal, { size, method: 'summation' });
    const rgb = gafToRgb(image, size, [-1, 1]);
    assert.equal(rgb.length, 3 * size * size);
    // pixel (2, 5): R from channel 0, G from channel 1, B from channel 2
    const p = 2 * size + 5;
    for (let ch = 0; ch < 3; ch++) assert.equal(rgb[3 * p + ch], Math.round((image[ch * size * size + p] + 1) * 127.5));
    const decoded = decodePixels(encodePng(size, size, rgb, 3));
    assert.equal(decoded.width, size);
    assert.deepEqual(new Uint8Array(decoded.pixels), rgb);
  });
});
