/**
 * A minimal MATLAB level-5 MAT-file writer (what `save -v6`/`-v7` produce) for real double, single and
 * uint16 arrays, in the host's byte order. Data is column-major, as MATLAB stores it.
 */
import { deflateSync } from 'node:zlib';
import { StudioError } from '../shared/errors.ts';

export interface MatVariableToWrite {
  name: string;
  className: 'double' | 'uint16' | 'single';
  dims: number[];
  /** column-major values; uint16 values must be integers in 0..65535 */
  data: ArrayLike<number>;
}

interface ClassLayout {
  classCode: number;
  storageType: number;
  array: Float64ArrayConstructor | Float32ArrayConstructor | Uint16ArrayConstructor;
}

const LAYOUTS: Record<MatVariableToWrite['className'], ClassLayout> = {
  double: { classCode: 6, storageType: 9, array: Float64Array },
  single: { classCode: 7, storageType: 7, array: Float32Array },
  uint16: { classCode: 11, storageType: 4, array: Uint16Array },
};

const MI_INT8 = 1;
const MI_INT32 = 5;
const MI_UINT32 = 6;
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;
const TAG_BYTES = 8;
const HEADER_TEXT_BYTES = 116;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const VARIABLE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

const pad8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Bytes an element takes: data of 1..4 bytes goes in the small (8-byte) form, as MATLAB does. */
const elementBytes = (nbytes: number): number => (nbytes > 0 && nbytes <= 4 ? TAG_BYTES : TAG_BYTES + pad8(nbytes));

/** Writes one element (tag + data + padding) at `at`; returns the next offset. */
function putElement(out: Buffer, view: DataView, at: number, type: number, data: Uint8Array): number {
  if (data.length > 0 && data.length <= 4) {
    view.setUint32(at, (data.length << 16) | type, LITTLE_ENDIAN);
    out.set(data, at + 4);
    return at + TAG_BYTES;
  }
  view.setUint32(at, type, LITTLE_ENDIAN);
  view.setUint32(at + 4, data.length, LITTLE_ENDIAN);
  out.set(data, at + TAG_BYTES);
  return at + elementBytes(data.length);
}

function invalid(message: string, field: string): StudioError {
  return new StudioError('INVALID_ARGUMENT', `writeMat: ${message}`, { field });
}

/** MATLAB keeps at least two dims, so a vector of n values is n×1. */
function checkedDims(v: MatVariableToWrite): number[] {
  const dims = v.dims.length >= 2 ? v.dims : [...v.dims, 1, 1].slice(0, 2);
  if (dims.some((d) => !Number.isInteger(d) || d < 0 || d > 0x7fffffff)) {
    throw invalid(`variable ${v.name} has invalid dims ${v.dims.join('×')}`, v.name);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== v.data.length) {
    throw invalid(`variable ${v.name} has ${v.data.length} values but dims ${dims.join('×')} need ${count}`, v.name);
  }
  return dims;
}

function checkUint16(v: MatVariableToWrite): void {
  for (let i = 0; i < v.data.length; i++) {
    const x = v.data[i]!;
    if (!Number.isInteger(x) || x < 0 || x > 0xffff) {
      throw invalid(`variable ${v.name} is uint16 but value ${x} at index ${i} is not an integer in 0..65535`, v.name);
    }
  }
}

/** The bytes of one miMATRIX element. */
function matrixElement(v: MatVariableToWrite): Buffer {
  if (!VARIABLE_NAME.test(v.name)) throw invalid(`invalid variable name '${v.name}'`, v.name);
  const layout = LAYOUTS[v.className];
  if (!layout) throw invalid(`variable ${v.name} has unsupported class ${String(v.className)}`, v.name);
  if (v.className === 'uint16') checkUint16(v);
  const dims = checkedDims(v);

  const flags = new Uint8Array(new Uint32Array([layout.classCode, 0]).buffer);
  const dimBytes = new Uint8Array(new Int32Array(dims).buffer);
  const name = Buffer.from(v.name, 'latin1');
  const values = new layout.array(v.data.length);
  values.set(v.data);
  const valueBytes = new Uint8Array(values.buffer);

  const contentBytes = elementBytes(8) + elementBytes(dimBytes.length) + elementBytes(name.length) + elementBytes(valueBytes.length);
  const out = Buffer.alloc(TAG_BYTES + contentBytes);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(0, MI_MATRIX, LITTLE_ENDIAN);
  view.setUint32(4, contentBytes, LITTLE_ENDIAN);
  let at = TAG_BYTES;
  at = putElement(out, view, at, MI_UINT32, flags);
  at = putElement(out, view, at, MI_INT32, dimBytes);
  at = putElement(out, view, at, MI_INT8, name);
  putElement(out, view, at, layout.storageType, valueBytes);
  return out;
}

function header(stamp: boolean): Buffer {
  const out = Buffer.alloc(128, 0);
  const text = stamp
    ? `MATLAB 5.0 MAT-file, Platform: ${process.platform}, Created on: ${new Date().toUTCString()} by VSKD Studio`
    : 'MATLAB 5.0 MAT-file, written by VSKD Studio';
  out.write(text.padEnd(HEADER_TEXT_BYTES, ' ').slice(0, HEADER_TEXT_BYTES), 0, 'latin1');
  // Bytes 116..123 (subsystem data offset) stay zero.
  new DataView(out.buffer, out.byteOffset, out.byteLength).setUint16(124, 0x0100, LITTLE_ENDIAN);
  out.write(LITTLE_ENDIAN ? 'IM' : 'MI', 126, 'latin1');
  return out;
}

function compressedElement(matrix: Buffer): Buffer {
  const deflated = deflateSync(matrix);
  const tag = Buffer.alloc(TAG_BYTES);
  const view = new DataView(tag.buffer, tag.byteOffset, tag.byteLength);
  view.setUint32(0, MI_COMPRESSED, LITTLE_ENDIAN);
  view.setUint32(4, deflated.length, LITTLE_ENDIAN);
  // Compressed elements are not padded (as MATLAB writes them).
  return Buffer.concat([tag, deflated]);
}

/**
 * A MAT-file holding `vars`; `compress` (default true) wraps each in an miCOMPRESSED element, as -v7
 * does. `stamp` (default true) writes the platform and time into the header text, as MATLAB does;
 * without it the same variables give the same bytes (the demo's files).
 */
export function writeMat(vars: MatVariableToWrite[], opts: { compress?: boolean; stamp?: boolean } = {}): Buffer {
  const compress = opts.compress ?? true;
  const seen = new Set<string>();
  const parts = [header(opts.stamp ?? true)];
  for (const v of vars) {
    if (seen.has(v.name)) throw invalid(`variable ${v.name} is given twice`, v.name);
    seen.add(v.name);
    const matrix = matrixElement(v);
    parts.push(compress ? compressedElement(matrix) : matrix);
  }
  return Buffer.concat(parts);
}
