/**
 * Minimal PNG writer (8-bit grayscale or RGB, no interlace) for GAF previews and exported images.
 * Spec: signature, IHDR, one IDAT (zlib of rows each prefixed by filter byte 0), IEND; every chunk
 * is length + type + data + CRC-32 of type and data.
 */
import * as zlib from 'node:zlib';
import { StudioError } from '../shared/errors.ts';

export type PngChannels = 1 | 3;

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE) by table, for Node versions before zlib.crc32 (20.15). */
export function tableCrc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

export function crc32(data: Uint8Array): number {
  return nativeCrc32 ? nativeCrc32(data) >>> 0 : tableCrc32(data);
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function invalid(field: string, message: string): StudioError {
  return new StudioError('INVALID_ARGUMENT', message, { field });
}

/** Encodes row-major 8-bit pixels (gray, or interleaved R, G, B) as a PNG file. */
export function encodePng(width: number, height: number, pixels: Uint8Array, channels: PngChannels): Buffer {
  for (const [field, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 0x7fffffff) {
      throw invalid(field, `${field} must be an integer in [1, 2³¹) (got ${String(v)})`);
    }
  }
  if (channels !== 1 && channels !== 3) throw invalid('channels', `channels must be 1 or 3 (got ${String(channels)})`);
  const stride = width * channels;
  if (!(pixels instanceof Uint8Array) || pixels.length !== stride * height) {
    throw invalid('pixels', `pixels must be a Uint8Array of width × height × channels = ${stride * height} bytes`);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 3 ? 2 : 0; // colour type: truecolour or greyscale
  // compression, filter method and interlace all 0
  const raw = Buffer.alloc(height * (1 + stride));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (1 + stride) + 1);
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}

/**
 * Maps a 3×N×N GAF image (channel-major, channels → R, G, B) to interleaved 8-bit RGB pixels,
 * range[0] → 0 and range[1] → 255 (values outside are clamped): [-1, 1] for pyts, [0, 1] for vskd.
 */
export function gafToRgb(image: Float32Array, size: number, range: readonly [number, number]): Uint8Array {
  if (!Number.isInteger(size) || size < 1) throw invalid('size', `size must be an integer ≥ 1 (got ${String(size)})`);
  const pixels = size * size;
  if (!(image instanceof Float32Array) || image.length !== 3 * pixels) {
    throw invalid('image', `image must be a Float32Array of 3 × ${size} × ${size} values`);
  }
  const [low, high] = range;
  if (!(Number.isFinite(low) && Number.isFinite(high) && low < high)) {
    throw invalid('range', `range must be finite with low < high (got [${String(low)}, ${String(high)}])`);
  }
  const scale = 255 / (high - low);
  const rgb = new Uint8Array(3 * pixels);
  for (let ch = 0; ch < 3; ch++) {
    const plane = ch * pixels;
    for (let p = 0; p < pixels; p++) {
      const v = Math.round((image[plane + p] - low) * scale);
      // NaN maps to 0 like any value below the range
      rgb[3 * p + ch] = v > 255 ? 255 : v >= 0 ? v : 0;
    }
  }
  return rgb;
}
