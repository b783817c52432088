/**
 * Reader for MATLAB level-5 MAT-files (the format `save -v7` writes), enough for UTD-MHAD:
 * real numeric and logical arrays, plain or inside miCOMPRESSED (zlib) elements, either byte order.
 *
 * - Array data keeps MATLAB's column-major order and is converted to the array's class: MATLAB stores a
 *   double array with a smaller integer type when that is lossless (UTD-MHAD's d_depth is class double
 *   stored as uint16), so the storage type alone does not say what the array is.
 * - int64/uint64 arrays become Float64Array (exact up to 2^53), so every array is a plain number array.
 * - Complex, sparse, char, cell, struct and object arrays are skipped, or rejected as unsupported when
 *   asked for by name through `only`.
 * - Version 7.3 (HDF5) and level-4 files are rejected with a message saying so.
 * - Every read is bounded (MatLimits): an array's header is checked before its data is inflated or
 *   decoded, and an inflation stops at the size its element claims, so a small file that would inflate
 *   to gigabytes is refused in milliseconds.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { constants as zlibConstants, inflateSync } from 'node:zlib';
import { badInput, StudioError } from '../shared/errors.ts';

export type MatClassName = 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'logical';

export type MatData = Float64Array | Float32Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

export interface MatArray {
  name: string;
  className: MatClassName;
  dims: number[];
  /** column-major, as stored; int64/uint64 arrays are Float64Array */
  data: MatData;
}

/**
 * Bounds on what one read may take. The defaults are generous for UTD-MHAD, whose largest file (a depth
 * array of 240×320×125 stored as uint16) is 370 KB, inflates to 19 MB and holds 9.6 million values.
 */
export interface MatLimits {
  /** bytes of a MAT-file read whole */
  maxFileBytes: number;
  /** bytes one compressed element may inflate to */
  maxInflatedBytes: number;
  /** dimensions of one array */
  maxRank: number;
  /** length of any one dimension: a sensor matrix's rows, a depth array's frames */
  maxDimension: number;
  /** values in one array */
  maxElements: number;
}

export const DEFAULT_MAT_LIMITS: Readonly<MatLimits> = {
  maxFileBytes: 256 * 2 ** 20,
  maxInflatedBytes: 256 * 2 ** 20,
  maxRank: 8,
  maxDimension: 1_000_000,
  maxElements: 64 * 2 ** 20,
};

export interface MatReadOptions {
  /** read only these variables; compressed elements of the others are not inflated past their header */
  only?: string[];
  /** overrides of DEFAULT_MAT_LIMITS */
  limits?: Partial<MatLimits>;
}

export interface MatDims {
  name: string;
  /** a MatClassName, or 'char', 'cell', 'struct', 'sparse', ... for arrays this reader cannot decode */
  className: string;
  dims: number[];
}

const HEADER_BYTES = 128;
const TAG_BYTES = 8;

// Data types of element tags (MAT-file format, table 1-1).
const MI_INT8 = 1;
const MI_UINT8 = 2;
const MI_INT32 = 5;
const MI_UINT32 = 6;
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;

// Array flag bits (byte 2 of the flags word).
const FLAG_COMPLEX = 0x08;
const FLAG_LOGICAL = 0x02;

const CLASS_NAMES: Record<number, string> = {
  1: 'cell',
  2: 'struct',
  3: 'object',
  4: 'char',
  5: 'sparse',
  6: 'double',
  7: 'single',
  8: 'int8',
  9: 'uint8',
  10: 'int16',
  11: 'uint16',
  12: 'int32',
  13: 'uint32',
  14: 'int64',
  15: 'uint64',
  16: 'function handle',
  17: 'opaque',
};

type NumberArrayCtor =
  | Float64ArrayConstructor
  | Float32ArrayConstructor
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor;

type StorageCtor = NumberArrayCtor | BigInt64ArrayConstructor | BigUint64ArrayConstructor;

/** The typed array each numeric class decodes to. */
const CLASS_ARRAYS: Record<number, NumberArrayCtor> = {
  6: Float64Array,
  7: Float32Array,
  8: Int8Array,
  9: Uint8Array,
  10: Int16Array,
  11: Uint16Array,
  12: Int32Array,
  13: Uint32Array,
  14: Float64Array,
  15: Float64Array,
};

/** The typed array that views each storage (element data) type. */
const STORAGE_ARRAYS: Record<number, StorageCtor> = {
  1: Int8Array,
  2: Uint8Array,
  3: Int16Array,
  4: Uint16Array,
  5: Int32Array,
  6: Uint32Array,
  7: Float32Array,
  9: Float64Array,
  12: BigInt64Array,
  13: BigUint64Array,
};

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// Compressed bytes tried, in turn, when only an array's header is wanted: the header is ~100 bytes
// inflated, and a small prefix keeps highly compressible data (depth frames) from inflating to megabytes.
// A header within the limits (rank, name length) inflates to under 600 bytes, which no valid deflate
// stream needs more than 4096 bytes for, so a header still incomplete after the last step is corrupt.
const HEADER_PREFIX_STEPS = [256, 4096];

// MATLAB's names are at most 63 characters; anything far longer is not a variable name.
const MAX_NAME_BYTES = 255;

/** Says where a byte offset is, for error messages: in the file, or inside an inflated element. */
type Locate = (at: number) => string;

interface Source {
  file: string;
  bytes: Uint8Array;
  view: DataView;
  le: boolean;
  locate: Locate;
  limits: MatLimits;
}

interface Tag {
  type: number;
  nbytes: number;
  dataAt: number;
  /** offset of the next element (data padded to 8 bytes, or the 8-byte small element) */
  next: number;
}

interface ArrayHeader {
  name: string;
  classCode: number;
  flags: number;
  dims: number[];
  /** offset of the real part's tag; equals `end` when the array has no data element */
  dataTagAt: number;
  end: number;
}

const pad8 = (n: number): number => Math.ceil(n / 8) * 8;

const product = (dims: number[]): number => dims.reduce((a, b) => a * b, 1);

const formatDims = (dims: readonly (number | string)[]): string => dims.join('×');

function makeSource(file: string, bytes: Uint8Array, le: boolean, locate: Locate, limits: MatLimits): Source {
  return { file, bytes, le, locate, limits, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

const withDefaults = (limits: Partial<MatLimits> = {}): MatLimits => ({ ...DEFAULT_MAT_LIMITS, ...limits });

/** The refusal of something over a limit, naming the limit so that a caller knows what to raise. */
function overLimit(file: string, what: string, limit: keyof MatLimits, value: number, detail: { field?: string } = {}): StudioError {
  return badInput(file, `${what}, over the limit of ${value} (${limit})`, detail);
}

const inFile: Locate = (at) => `byte ${at}`;

function inInflated(elementAt: number): Locate {
  return (at) => `byte ${at} of the data inflated from the compressed element at byte ${elementAt}`;
}

function className(classCode: number, flags: number): string {
  if (classCode === 9 && flags & FLAG_LOGICAL) return 'logical';
  return CLASS_NAMES[classCode] ?? `unknown class ${classCode}`;
}

function isDecodable(header: ArrayHeader): boolean {
  return CLASS_ARRAYS[header.classCode] !== undefined && (header.flags & FLAG_COMPLEX) === 0;
}

function describeClass(header: ArrayHeader): string {
  const name = className(header.classCode, header.flags);
  return header.flags & FLAG_COMPLEX ? `complex ${name}` : name;
}

/** Checks the 128-byte header; returns whether the file is little-endian. */
function readHeader(bytes: Uint8Array, file: string): boolean {
  if (bytes.length === 0) throw badInput(file, 'empty file (0 bytes), expected a MAT-file');
  if (bytes.length < HEADER_BYTES) {
    throw badInput(file, `not a MAT-file: too short for the 128-byte header (${bytes.length} bytes)`);
  }
  if (bytes[0] === 0 || bytes[1] === 0 || bytes[2] === 0 || bytes[3] === 0) {
    throw badInput(file, 'not a level-5 MAT-file: no header text (a level-4 MAT-file or another format)');
  }
  const indicator = String.fromCharCode(bytes[126]!, bytes[127]!);
  if (indicator !== 'IM' && indicator !== 'MI') {
    throw badInput(file, "not a MAT-file: no 'IM'/'MI' endian indicator at byte 126");
  }
  const le = indicator === 'IM';
  const version = new DataView(bytes.buffer, bytes.byteOffset + 124, 2).getUint16(0, le);
  if (version === 0x0200) {
    throw badInput(file, 'unsupported MAT-file version 7.3 (HDF5); save it with -v7 instead');
  }
  if (version !== 0x0100) {
    throw badInput(file, `unsupported MAT-file version 0x${version.toString(16)}, expected 0x0100 (level 5)`);
  }
  return le;
}

/** Reads the tag at `at`, handling the 4-byte small data element form. */
function readTag(src: Source, at: number): Tag {
  const word = src.view.getUint32(at, src.le);
  const smallBytes = word >>> 16;
  if (smallBytes !== 0) {
    if (smallBytes > 4) {
      throw badInput(src.file, `corrupt: small data element at ${src.locate(at)} claims ${smallBytes} bytes (at most 4)`);
    }
    return { type: word & 0xffff, nbytes: smallBytes, dataAt: at + 4, next: at + TAG_BYTES };
  }
  const nbytes = src.view.getUint32(at + 4, src.le);
  return { type: word, nbytes, dataAt: at + TAG_BYTES, next: at + TAG_BYTES + pad8(nbytes) };
}

/**
 * Parses an miMATRIX element's flags, dims and name (its tag's data spans [start, end)).
 * With `partial`, bytes may end early (an inflated prefix): returns null when they do.
 */
function readArrayHeader(src: Source, start: number, end: number, partial: boolean): ArrayHeader | null {
  const available = (at: number, n: number): boolean => {
    if (at + n > end) {
      throw badInput(src.file, `corrupt: sub-element at ${src.locate(at)} runs past the end of its array (${src.locate(end)})`);
    }
    if (at + n > src.bytes.length) {
      if (partial) return false;
      throw badInput(src.file, `truncated: sub-element at ${src.locate(at)} needs ${n} bytes past the end of the data`);
    }
    return true;
  };
  // `check` sees the tag before its data is needed, so a bad size is refused without reading further.
  const tagAt = (at: number, check?: (tag: Tag) => void): Tag | null => {
    if (!available(at, TAG_BYTES)) return null;
    const tag = readTag(src, at);
    check?.(tag);
    return available(tag.dataAt, tag.nbytes) ? tag : null;
  };

  const flagsTag = tagAt(start, (tag) => {
    if (tag.type !== MI_UINT32 || tag.nbytes !== 8) {
      throw badInput(src.file, `corrupt: array at ${src.locate(start)} does not start with its 8-byte flags`);
    }
  });
  if (!flagsTag) return null;
  const flagsWord = src.view.getUint32(flagsTag.dataAt, src.le);
  const classCode = flagsWord & 0xff;
  const flags = (flagsWord >>> 8) & 0xff;

  const dimsTag = tagAt(flagsTag.next, (tag) => {
    if (tag.type !== MI_INT32 || tag.nbytes % 4 !== 0 || tag.nbytes < 8) {
      throw badInput(src.file, `corrupt: array at ${src.locate(start)} has no valid dimensions element`);
    }
    if (tag.nbytes / 4 > src.limits.maxRank) {
      throw overLimit(src.file, `array at ${src.locate(start)} has ${tag.nbytes / 4} dimensions`, 'maxRank', src.limits.maxRank);
    }
  });
  if (!dimsTag) return null;
  const dims: number[] = [];
  for (let at = dimsTag.dataAt; at < dimsTag.dataAt + dimsTag.nbytes; at += 4) {
    const dim = src.view.getInt32(at, src.le);
    if (dim < 0) throw badInput(src.file, `corrupt: negative dimension ${dim} at ${src.locate(at)}`);
    dims.push(dim);
  }

  const nameTag = tagAt(dimsTag.next, (tag) => {
    if (tag.type !== MI_INT8 && tag.type !== MI_UINT8) {
      throw badInput(src.file, `corrupt: array at ${src.locate(start)} has no name element`);
    }
    if (tag.nbytes > MAX_NAME_BYTES) {
      throw badInput(src.file, `corrupt: array at ${src.locate(start)} has a ${tag.nbytes}-byte name (at most ${MAX_NAME_BYTES})`);
    }
  });
  if (!nameTag) return null;
  const name = Buffer.from(src.bytes.buffer, src.bytes.byteOffset + nameTag.dataAt, nameTag.nbytes).toString('latin1');
  checkDims(src, name, dims);
  return { name, classCode, flags, dims, dataTagAt: Math.min(nameTag.next, end), end };
}

/** Refuses an array whose dimensions are over the limits, before any of its data is inflated or decoded. */
function checkDims(src: Source, name: string, dims: number[]): void {
  const field = { field: name };
  const { maxDimension, maxElements } = src.limits;
  const longest = Math.max(...dims);
  if (longest > maxDimension) {
    throw overLimit(src.file, `variable ${name} is ${formatDims(dims)}: a dimension of ${longest}`, 'maxDimension', maxDimension, field);
  }
  const count = product(dims);
  if (count > maxElements) {
    throw overLimit(src.file, `variable ${name} is ${formatDims(dims)}: ${count} values`, 'maxElements', maxElements, field);
  }
}

/** A typed view of `count` elements at `at`, or an aligned (and byte-swapped when needed) copy. */
function storageArray(src: Source, ctor: StorageCtor, at: number, count: number, mayAlias: boolean): InstanceType<StorageCtor> {
  const size = ctor.BYTES_PER_ELEMENT;
  const offset = src.bytes.byteOffset + at;
  const needsSwap = src.le !== HOST_LITTLE_ENDIAN && size > 1;
  if (mayAlias && !needsSwap && offset % size === 0) return new ctor(src.bytes.buffer as ArrayBuffer, offset, count);
  const copy = new Uint8Array(count * size);
  copy.set(src.bytes.subarray(at, at + count * size));
  if (needsSwap) swapBytes(copy, size);
  return new ctor(copy.buffer, 0, count);
}

function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i < bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

/**
 * Decodes a numeric array's real part into its class's typed array.
 * `mayAlias`: the source bytes are ours (inflated), so same-type data may be a view of them.
 */
function readArrayData(src: Source, header: ArrayHeader, mayAlias: boolean): MatData {
  const target = CLASS_ARRAYS[header.classCode]!;
  const count = product(header.dims);
  const field = { field: header.name };
  if (header.dataTagAt + TAG_BYTES > header.end) {
    if (count === 0) return new target(0);
    throw badInput(src.file, `corrupt: variable ${header.name} has no data element`, field);
  }
  const tag = readTag(src, header.dataTagAt);
  if (tag.dataAt + tag.nbytes > header.end) {
    throw badInput(src.file, `corrupt: data of variable ${header.name} at ${src.locate(tag.dataAt)} runs past the end of its array`, field);
  }
  const storage = STORAGE_ARRAYS[tag.type];
  if (!storage) {
    throw badInput(src.file, `unsupported: variable ${header.name} stores its data as type ${tag.type}`, field);
  }
  if (tag.nbytes !== count * storage.BYTES_PER_ELEMENT) {
    throw badInput(
      src.file,
      `corrupt: variable ${header.name} (${formatDims(header.dims)}) needs ${count} values but its data element holds ${tag.nbytes} bytes of ${storage.BYTES_PER_ELEMENT}-byte values`,
      field,
    );
  }
  const stored = storageArray(src, storage, tag.dataAt, count, mayAlias && storage === target);
  if (storage === target) return stored as MatData;
  const data = new target(count);
  if (stored instanceof BigInt64Array || stored instanceof BigUint64Array) {
    for (let i = 0; i < count; i++) data[i] = Number(stored[i]!);
  } else {
    data.set(stored); // converts each value to the class's type
  }
  return data;
}

function unsupported(file: string, header: ArrayHeader): StudioError {
  return badInput(file, `unsupported: variable ${header.name} is a ${describeClass(header)} array; only real numeric and logical arrays can be read`, {
    field: header.name,
  });
}

function toMatArray(src: Source, header: ArrayHeader, mayAlias: boolean): MatArray {
  return {
    name: header.name,
    className: className(header.classCode, header.flags) as MatClassName,
    dims: header.dims,
    data: readArrayData(src, header, mayAlias),
  };
}

/**
 * Inflates a compressed element (or, with `prefixOnly`, as much of it as a prefix holds), to at most
 * `maxBytes` when given (a prefix needs no cap: n bytes inflate to at most ~1032 n).
 */
function inflateElement(file: string, compressed: Uint8Array, elementAt: number, prefixOnly: boolean, maxBytes?: number): Uint8Array {
  try {
    return inflateSync(compressed, {
      ...(maxBytes === undefined ? {} : { maxOutputLength: maxBytes }),
      ...(prefixOnly ? { finishFlush: zlibConstants.Z_SYNC_FLUSH } : {}),
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw badInput(file, `corrupt: the compressed element at byte ${elementAt} inflates to more than the ${maxBytes} bytes its array claims`);
    }
    const reason = err instanceof Error ? err.message : String(err);
    throw badInput(file, `corrupt compressed data in the element at byte ${elementAt}: ${reason}`);
  }
}

/** An array's header and the bytes its whole element takes (tag included). */
interface PeekedArray {
  header: ArrayHeader;
  elementBytes: number;
}

/**
 * The array header inside inflated bytes (whole or a prefix): null when a prefix is too short,
 * 'not-array' when the compressed element holds something other than an miMATRIX.
 */
function headerInInflated(src: Source, whole: boolean): PeekedArray | null | 'not-array' {
  if (src.bytes.length < TAG_BYTES) {
    if (whole) throw badInput(src.file, `corrupt: compressed data is only ${src.bytes.length} bytes (${src.locate(0)})`);
    return null;
  }
  const tag = readTag(src, 0);
  if (tag.type !== MI_MATRIX) return 'not-array';
  if (whole && tag.dataAt + tag.nbytes > src.bytes.length) {
    throw badInput(src.file, `corrupt: compressed array claims ${tag.nbytes} bytes but inflates to ${src.bytes.length - tag.dataAt} (${src.locate(0)})`);
  }
  const header = readArrayHeader(src, tag.dataAt, tag.dataAt + tag.nbytes, !whole);
  return header && { header, elementBytes: tag.next };
}

/** Sizes of the growing prefixes tried until an array header is complete: all `nbytes` once a step reaches it. */
function* peekSteps(nbytes: number): Generator<number> {
  for (const step of HEADER_PREFIX_STEPS) {
    if (step >= nbytes) {
      yield nbytes;
      return;
    }
    yield step;
  }
}

function incompleteHeader(file: string, where: string): StudioError {
  const last = HEADER_PREFIX_STEPS[HEADER_PREFIX_STEPS.length - 1];
  return badInput(file, `corrupt: the array header of the element at ${where} is not complete within its first ${last} bytes`);
}

/**
 * The array header of a compressed element of `nbytes` bytes, inflating no more than growing prefixes of
 * `start` (its first min(nbytes, 4096) bytes). 'not-array' when the element holds no array.
 */
function peekCompressed(file: string, le: boolean, limits: MatLimits, elementAt: number, start: Uint8Array, nbytes: number): PeekedArray | 'not-array' {
  for (const n of peekSteps(nbytes)) {
    const whole = n >= nbytes;
    // at most 4096 compressed bytes: at most ~4 MB inflated
    const inflated = inflateElement(file, start.subarray(0, n), elementAt, !whole);
    const peeked = headerInInflated(makeSource(file, inflated, le, inInflated(elementAt), limits), whole);
    if (peeked) return peeked;
  }
  throw incompleteHeader(file, `byte ${elementAt}`);
}

/** Top-level elements: yields each tag after checking that the file holds all its bytes. */
function* topLevelTags(src: Source): Generator<Tag & { at: number }> {
  let at = HEADER_BYTES;
  while (at < src.bytes.length) {
    const left = src.bytes.length - at;
    if (left < TAG_BYTES) {
      if (src.bytes.subarray(at).some((b) => b !== 0)) {
        throw badInput(src.file, `truncated: ${left} stray bytes at byte ${at}, too few for an element tag`);
      }
      return;
    }
    const tag = readTag(src, at);
    if (tag.dataAt + tag.nbytes > src.bytes.length) {
      throw badInput(
        src.file,
        `truncated: element at byte ${at} claims ${tag.nbytes} bytes, file has ${src.bytes.length - tag.dataAt} after its tag (${src.bytes.length} in all)`,
      );
    }
    yield { ...tag, at };
    // MATLAB does not pad compressed elements; everything else is padded to 8 bytes.
    at = tag.type === MI_COMPRESSED ? tag.dataAt + tag.nbytes : tag.next;
  }
}

/** The element's inflated bytes, refused before inflating when they would be over the limit. */
function inflateArray(src: Source, compressed: Uint8Array, elementAt: number, elementBytes: number): Source {
  const { maxInflatedBytes } = src.limits;
  if (elementBytes > maxInflatedBytes) {
    throw overLimit(src.file, `the compressed element at byte ${elementAt} inflates to ${elementBytes} bytes`, 'maxInflatedBytes', maxInflatedBytes);
  }
  const inflated = inflateElement(src.file, compressed, elementAt, false, elementBytes);
  return makeSource(src.file, inflated, src.le, inInflated(elementAt), src.limits);
}

/** Parses a whole MAT-file held in memory. `file` names it in error messages. */
export function parseMat(buf: Uint8Array, file: string, opts: MatReadOptions = {}): Map<string, MatArray> {
  const limits = withDefaults(opts.limits);
  if (buf.length > limits.maxFileBytes) {
    throw overLimit(file, `the file has ${buf.length} bytes`, 'maxFileBytes', limits.maxFileBytes);
  }
  const le = readHeader(buf, file);
  const src = makeSource(file, buf, le, inFile, limits);
  const wanted = opts.only ? new Set(opts.only) : null;
  const out = new Map<string, MatArray>();

  // Arrays this reader cannot decode are skipped unless asked for by name.
  const keep = (header: ArrayHeader): boolean => {
    if (wanted && !wanted.has(header.name)) return false;
    if (isDecodable(header)) return true;
    if (wanted) throw unsupported(file, header);
    return false;
  };

  for (const tag of topLevelTags(src)) {
    if (tag.type === MI_MATRIX) {
      const header = readArrayHeader(src, tag.dataAt, tag.dataAt + tag.nbytes, false)!;
      if (keep(header)) out.set(header.name, toMatArray(src, header, false));
    } else if (tag.type === MI_COMPRESSED) {
      const compressed = buf.subarray(tag.dataAt, tag.dataAt + tag.nbytes);
      const peeked = peekCompressed(file, le, limits, tag.at, compressed, compressed.length);
      if (peeked === 'not-array' || !keep(peeked.header)) continue;
      const inflated = inflateArray(src, compressed, tag.at, peeked.elementBytes);
      const whole = headerInInflated(inflated, true) as PeekedArray;
      out.set(whole.header.name, toMatArray(inflated, whole.header, true));
    }
    // Other top-level element types carry no variables: skip them.
  }
  return out;
}

function fileError(path: string, err: unknown): StudioError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new StudioError('NOT_FOUND', `${path}: file not found`, { file: path });
  if (code === 'EISDIR') return badInput(path, 'is a folder, expected a MAT-file');
  const reason = err instanceof Error ? err.message : String(err);
  return badInput(path, `cannot read the file: ${reason}`);
}

/** The file, open, and its size: refused when it is not a regular file (a folder, a device that never ends). */
async function openMat(path: string): Promise<{ handle: FileHandle; size: number }> {
  const handle = await open(path, 'r').catch((err: unknown) => {
    throw fileError(path, err);
  });
  const stats = await handle.stat().catch(() => null);
  if (!stats?.isFile()) {
    await handle.close();
    throw badInput(path, stats?.isDirectory() ? 'is a folder, expected a MAT-file' : 'is not a regular file, expected a MAT-file');
  }
  return { handle, size: stats.size };
}

/** A MAT-file's bytes, refused when the file is over maxFileBytes (checked before reading it). */
export async function readMatBytes(path: string, limits: Partial<MatLimits> = {}): Promise<Buffer> {
  const { maxFileBytes } = withDefaults(limits);
  const { handle, size } = await openMat(path);
  try {
    if (size > maxFileBytes) throw overLimit(path, `the file has ${size} bytes`, 'maxFileBytes', maxFileBytes);
    return await handle.readFile().catch((err: unknown) => {
      throw fileError(path, err);
    });
  } finally {
    await handle.close();
  }
}

/** Reads and parses a MAT-file. */
export async function readMatFile(path: string, opts: MatReadOptions = {}): Promise<Map<string, MatArray>> {
  return parseMat(await readMatBytes(path, opts.limits), path, opts);
}

/**
 * The name, class and dims of the first variable (or the one named), reading only the file's header and
 * a prefix of each element up to it: a compressed element is inflated just far enough for its header.
 */
export async function readMatDims(path: string, name?: string, limitOverrides: Partial<MatLimits> = {}): Promise<MatDims> {
  const limits = withDefaults(limitOverrides);
  const { handle, size } = await openMat(path);
  try {
    const readFresh = async (position: number, length: number): Promise<Uint8Array> => {
      const chunk = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      return chunk.subarray(0, bytesRead);
    };
    // One read covers the header, the first tag and the first header prefix of a typical file.
    const start = await readFresh(0, HEADER_BYTES + TAG_BYTES + HEADER_PREFIX_STEPS[0]!);
    const readAt = async (position: number, length: number): Promise<Uint8Array> =>
      position + length <= start.length ? start.subarray(position, position + length) : readFresh(position, length);
    const le = readHeader(start.subarray(0, HEADER_BYTES), path);
    for (let at = HEADER_BYTES; at + TAG_BYTES <= size;) {
      const tagBytes = await readAt(at, TAG_BYTES);
      const tag = readTag(makeSource(path, tagBytes, le, inFile, limits), 0);
      const dataAt = at + tag.dataAt; // tag offsets are relative to tagBytes
      if (dataAt + tag.nbytes > size) {
        throw badInput(path, `truncated: element at byte ${at} claims ${tag.nbytes} bytes, file has ${size - dataAt} after its tag (${size} in all)`);
      }
      const header = await elementHeader(path, le, limits, at, tag, readAt);
      if (header && (name === undefined || header.name === name)) {
        return { name: header.name, className: describeClass(header), dims: header.dims };
      }
      at = tag.type === MI_COMPRESSED ? dataAt + tag.nbytes : at + tag.next;
    }
    throw name === undefined ? badInput(path, 'no variables: the MAT-file holds no arrays') : badInput(path, `variable ${name} not found`, { field: name });
  } finally {
    await handle.close();
  }
}

/** The array header of the top-level element at `at`, or null when it holds no array. */
async function elementHeader(
  path: string,
  le: boolean,
  limits: MatLimits,
  at: number,
  tag: Tag,
  readAt: (position: number, length: number) => Promise<Uint8Array>,
): Promise<ArrayHeader | null> {
  const dataAt = at + tag.dataAt;
  const lastStep = HEADER_PREFIX_STEPS[HEADER_PREFIX_STEPS.length - 1]!;
  if (tag.type === MI_COMPRESSED) {
    const start = await readAt(dataAt, Math.min(tag.nbytes, lastStep));
    const peeked = peekCompressed(path, le, limits, at, start, tag.nbytes);
    return peeked === 'not-array' ? null : peeked.header;
  }
  if (tag.type !== MI_MATRIX) return null;
  // Offsets inside `src` are relative to the element's data, so say where they are in the file.
  const locate: Locate = (offset) => `byte ${dataAt + offset}`;
  for (const n of peekSteps(tag.nbytes)) {
    const src = makeSource(path, await readAt(dataAt, n), le, locate, limits);
    const header = readArrayHeader(src, 0, tag.nbytes, n < tag.nbytes);
    if (header) return header;
  }
  throw incompleteHeader(path, `byte ${at}`);
}

/**
 * The variable `name`, checked against an expected shape. `dims` entries that are null match any size;
 * MATLAB drops trailing singleton dims, so the array's dims are padded with 1s up to the expected rank
 * (a one-frame 240×320 depth array matches [240, 320, null] and comes back as 240×320×1).
 */
export function requireVariable(vars: Map<string, MatArray>, name: string, file: string, shape: { rank?: number; dims?: (number | null)[] } = {}): MatArray {
  const arr = vars.get(name);
  if (!arr) {
    const present = [...vars.keys()];
    const has = present.length ? `file has ${present.join(', ')}` : 'file has no readable variables';
    throw badInput(file, `variable ${name} not found (${has})`, { field: name });
  }
  const rank = shape.rank ?? shape.dims?.length;
  if (rank === undefined) return arr;
  const dims = padDims(arr.dims, rank);
  const expected = shape.dims ?? new Array<number | null>(rank).fill(null);
  const fits = dims.length === rank && expected.every((d, i) => d === null || d === dims[i]);
  if (!fits) {
    const want = formatDims(expected.map((d) => (d === null ? 'N' : d)));
    throw badInput(file, `variable ${name} has shape ${formatDims(arr.dims)}, expected ${want} (N = any size)`, { field: name });
  }
  return dims === arr.dims ? arr : { ...arr, dims };
}

function padDims(dims: number[], rank: number): number[] {
  if (dims.length >= rank) return dims;
  return [...dims, ...new Array<number>(rank - dims.length).fill(1)];
}

/** A row-major Float64 copy of a 2-D (rows × cols) array, e.g. a T×C sensor matrix. */
export function toRowMajor2D(arr: MatArray): { rows: number; cols: number; data: Float64Array } {
  const trailing = arr.dims.slice(2);
  if (arr.dims.length < 2 || trailing.some((d) => d !== 1)) {
    throw new StudioError('INVALID_ARGUMENT', `variable ${arr.name} has shape ${formatDims(arr.dims)}, expected a 2-D matrix`, { field: arr.name });
  }
  const rows = arr.dims[0]!;
  const cols = arr.dims[1]!;
  const src = arr.data;
  const data = new Float64Array(rows * cols);
  // Column-major in, row-major out: read each column sequentially.
  for (let c = 0; c < cols; c++) {
    const column = c * rows;
    for (let r = 0; r < rows; r++) data[r * cols + c] = src[column + r]!;
  }
  return { rows, cols, data };
}
