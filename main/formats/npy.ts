/**
 * NumPy .npy files (format versions 1.0–3.0 read, 1.0 written, or 2.0 when the header needs it),
 * the way images and features cross to the Python trainer.
 * Spec: numpy.lib.format — magic "\x93NUMPY", version, header length, a Python dict literal
 * {'descr', 'fortran_order', 'shape'} padded with spaces and ending in '\n' so the data starts
 * on a 64-byte boundary, then the raw C-order array.
 */
import { endianness } from 'node:os';
import { StudioError, badInput } from '../shared/errors.ts';

export type NpyTypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** numpy's dtype name ('float32', …), with 'bool' for '|b1' (read as Uint8Array) */
export type NpyDtype = 'float32' | 'float64' | 'int8' | 'uint8' | 'bool' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';

export interface NpyArray {
  data: NpyTypedArray;
  shape: number[];
  dtype: NpyDtype;
}

interface DtypeInfo {
  /** kind + size, e.g. 'f4' */
  code: string;
  dtype: NpyDtype;
  bytes: number;
  make: (length: number) => NpyTypedArray;
}

const DTYPES: readonly DtypeInfo[] = [
  { code: 'f4', dtype: 'float32', bytes: 4, make: (n) => new Float32Array(n) },
  { code: 'f8', dtype: 'float64', bytes: 8, make: (n) => new Float64Array(n) },
  { code: 'i1', dtype: 'int8', bytes: 1, make: (n) => new Int8Array(n) },
  { code: 'u1', dtype: 'uint8', bytes: 1, make: (n) => new Uint8Array(n) },
  { code: 'b1', dtype: 'bool', bytes: 1, make: (n) => new Uint8Array(n) },
  { code: 'i2', dtype: 'int16', bytes: 2, make: (n) => new Int16Array(n) },
  { code: 'u2', dtype: 'uint16', bytes: 2, make: (n) => new Uint16Array(n) },
  { code: 'i4', dtype: 'int32', bytes: 4, make: (n) => new Int32Array(n) },
  { code: 'u4', dtype: 'uint32', bytes: 4, make: (n) => new Uint32Array(n) },
  { code: 'i8', dtype: 'int64', bytes: 8, make: (n) => new BigInt64Array(n) },
  { code: 'u8', dtype: 'uint64', bytes: 8, make: (n) => new BigUint64Array(n) },
];

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY
const ALIGN = 64;
const HOST_IS_LITTLE_ENDIAN = endianness() === 'LE';

function dtypeOfArray(data: NpyTypedArray): DtypeInfo | undefined {
  const code =
    data instanceof Float32Array
      ? 'f4'
      : data instanceof Float64Array
        ? 'f8'
        : data instanceof Int8Array
          ? 'i1'
          : data instanceof Uint8Array || data instanceof Uint8ClampedArray
            ? 'u1'
            : data instanceof Int16Array
              ? 'i2'
              : data instanceof Uint16Array
                ? 'u2'
                : data instanceof Int32Array
                  ? 'i4'
                  : data instanceof Uint32Array
                    ? 'u4'
                    : data instanceof BigInt64Array
                      ? 'i8'
                      : data instanceof BigUint64Array
                        ? 'u8'
                        : undefined;
  return DTYPES.find((d) => d.code === code);
}

/** Swaps each element's bytes in place (big-endian hosts, or '>' files). */
function swapBytes(bytes: Buffer, size: number): void {
  if (size === 2) bytes.swap16();
  else if (size === 4) bytes.swap32();
  else if (size === 8) bytes.swap64();
}

function shapeLiteral(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/** Encodes a C-order array as a .npy file: little-endian, version 1.0 unless the header needs 2.0. */
export function encodeNpy(data: NpyTypedArray, shape: readonly number[]): Buffer {
  const info = dtypeOfArray(data);
  if (!info) throw new StudioError('INVALID_ARGUMENT', 'data must be a numeric typed array', { field: 'data' });
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new StudioError('INVALID_ARGUMENT', 'shape must be a list of integers ≥ 0', { field: 'shape' });
  }
  const count = shape.reduce((a, d) => a * d, 1);
  if (count !== data.length) {
    throw new StudioError('INVALID_ARGUMENT', `shape ${shapeLiteral(shape)} holds ${count} values, data holds ${data.length}`, {
      field: 'shape',
    });
  }
  const descr = `${info.bytes === 1 ? '|' : '<'}${info.code}`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeLiteral(shape)}, }`;
  // preamble: magic (6) + version (2) + header length (2 in v1.0, 4 in v2.0)
  let major = 1;
  let preamble = 10;
  let headerLength = Math.ceil((preamble + dict.length + 1) / ALIGN) * ALIGN - preamble;
  if (headerLength > 0xffff) {
    major = 2;
    preamble = 12;
    headerLength = Math.ceil((preamble + dict.length + 1) / ALIGN) * ALIGN - preamble;
  }
  const header = Buffer.alloc(preamble + headerLength, 0x20);
  MAGIC.copy(header, 0);
  header[6] = major;
  header[7] = 0;
  if (major === 1) header.writeUInt16LE(headerLength, 8);
  else header.writeUInt32LE(headerLength, 8);
  header.write(dict, preamble, 'latin1');
  header[header.length - 1] = 0x0a;

  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const file = Buffer.concat([header, body]); // a copy, so a swap below leaves the caller's data alone
  if (!HOST_IS_LITTLE_ENDIAN) swapBytes(file.subarray(header.length), info.bytes);
  return file;
}

interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

function parseHeader(text: string, file: string): NpyHeader {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw badInput(file, `not a valid .npy header: ${JSON.stringify(text.trim())}`);
  }
  const shape: number[] = [];
  for (const part of shapeText.split(',')) {
    const dim = part.trim();
    if (dim === '') continue;
    if (!/^\d+L?$/.test(dim)) throw badInput(file, `bad .npy shape (${shapeText})`);
    shape.push(Number.parseInt(dim, 10));
  }
  return { descr, fortranOrder: fortran === 'True', shape };
}

/** Reads a .npy file (versions 1.0, 2.0 and 3.0) into a fresh, aligned typed array. */
export function decodeNpy(buf: Uint8Array, file = '<npy>'): NpyArray {
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (bytes.length < 10 || !bytes.subarray(0, 6).equals(MAGIC)) throw badInput(file, 'not a .npy file (bad magic)');
  const major = bytes[6];
  if (major < 1 || major > 3) throw badInput(file, `unsupported .npy version ${major}.${bytes[7]}`);
  const preamble = major === 1 ? 10 : 12;
  if (bytes.length < preamble) throw badInput(file, 'truncated .npy header');
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const dataStart = preamble + headerLength;
  if (bytes.length < dataStart) throw badInput(file, 'truncated .npy header');
  const header = parseHeader(bytes.toString(major === 3 ? 'utf8' : 'latin1', preamble, dataStart), file);

  if (header.fortranOrder) throw badInput(file, 'fortran_order arrays are not supported (save in C order)');
  const order = header.descr[0];
  const info = DTYPES.find((d) => d.code === header.descr.slice(1));
  if (!info || !'<>|='.includes(order)) {
    throw badInput(file, `unsupported .npy dtype '${header.descr}'`);
  }
  const count = header.shape.reduce((a, d) => a * d, 1);
  const byteLength = count * info.bytes;
  if (bytes.length - dataStart < byteLength) {
    throw badInput(file, `truncated .npy data: ${bytes.length - dataStart} bytes for ${count} × ${info.bytes}`);
  }
  const data = info.make(count);
  const target = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  bytes.copy(target, 0, dataStart, dataStart + byteLength);
  const fileIsLittle = order === '=' ? HOST_IS_LITTLE_ENDIAN : order !== '>';
  if (info.bytes > 1 && fileIsLittle !== HOST_IS_LITTLE_ENDIAN) swapBytes(target, info.bytes);
  return { data, shape: header.shape, dtype: info.dtype };
}
