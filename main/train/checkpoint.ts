/**
 * Training checkpoints: model weights, optimiser state and the trainer's own state (epoch, best
 * accuracy, RNG position, ...) in one compact binary, so a resumed run continues exactly.
 *
 * Layout (all integers little-endian):
 *   "VSKDCKPT" | u32 format version | u32 header byte length | header (UTF-8 JSON) | zero padding to a
 *   multiple of 4 | float32 data, little-endian, every tensor back to back in header order.
 * The header is { weights: Tensor[], optimiser: Tensor[], state } with Tensor = { name, shape, offset },
 * offset in bytes from the start of the data.
 */
import { endianness } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { badInput, StudioError } from '../shared/errors.ts';
import { sizeOf, type WeightMap } from './models/parameters.ts';

export interface Checkpoint {
  weights: WeightMap;
  optimiser: WeightMap;
  /** JSON-serialisable */
  state: Record<string, unknown>;
}

interface TensorRecord {
  name: string;
  shape: number[];
  offset: number;
}

interface Header {
  weights: TensorRecord[];
  optimiser: TensorRecord[];
  state: Record<string, unknown>;
}

const MAGIC = Buffer.from('VSKDCKPT', 'latin1');
const FORMAT_VERSION = 1;
/** magic, version, header length */
const PREAMBLE_BYTES = MAGIC.length + 8;
const BIG_ENDIAN_HOST = endianness() === 'BE';

const align4 = (n: number) => Math.ceil(n / 4) * 4;

export function encodeCheckpoint(checkpoint: Checkpoint): Buffer {
  let dataBytes = 0;
  const records = (group: 'weights' | 'optimiser'): TensorRecord[] =>
    Object.entries(checkpoint[group]).map(([name, { shape, data }]) => {
      if (!(data instanceof Float32Array) || data.length !== sizeOf(shape)) {
        throw new StudioError('INVALID_ARGUMENT', `${group} ${name}: needs a Float32Array of ${sizeOf(shape)} values for shape [${shape.join(', ')}]`, {
          field: group,
        });
      }
      const record = { name, shape: [...shape], offset: dataBytes };
      dataBytes += data.byteLength;
      return record;
    });
  const header: Header = { weights: records('weights'), optimiser: records('optimiser'), state: checkpoint.state };
  let json: string;
  try {
    json = JSON.stringify(header);
  } catch (err) {
    throw new StudioError('INVALID_ARGUMENT', `checkpoint state is not JSON-serialisable: ${(err as Error).message}`, { field: 'state' });
  }
  const headerBytes = Buffer.from(json, 'utf8');
  const dataStart = align4(PREAMBLE_BYTES + headerBytes.length);
  const out = Buffer.alloc(dataStart + dataBytes); // zero-filled: the padding is zeros
  MAGIC.copy(out, 0);
  out.writeUInt32LE(FORMAT_VERSION, MAGIC.length);
  out.writeUInt32LE(headerBytes.length, MAGIC.length + 4);
  headerBytes.copy(out, PREAMBLE_BYTES);
  let at = dataStart;
  for (const group of ['weights', 'optimiser'] as const) {
    for (const { data } of Object.values(checkpoint[group])) {
      out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
      at += data.byteLength;
    }
  }
  if (BIG_ENDIAN_HOST) out.subarray(dataStart).swap32();
  return out;
}

/** Reads a checkpoint; anything truncated or inconsistent is a BAD_INPUT error naming `file`. */
export function decodeCheckpoint(buf: Uint8Array, file = 'checkpoint'): Checkpoint {
  // a Buffer sent through postMessage arrives as a plain Uint8Array
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (bytes.length < PREAMBLE_BYTES) throw badInput(file, `truncated: ${bytes.length} bytes, not even the ${PREAMBLE_BYTES}-byte preamble`);
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw badInput(file, 'not a VSKD Studio checkpoint (wrong magic bytes)');
  const version = bytes.readUInt32LE(MAGIC.length);
  if (version !== FORMAT_VERSION) {
    const why = version > FORMAT_VERSION ? 'written by a newer VSKD Studio' : 'unknown';
    throw badInput(file, `checkpoint format version ${version} (${why}); this version reads ${FORMAT_VERSION}`);
  }
  const headerLength = bytes.readUInt32LE(MAGIC.length + 4);
  if (PREAMBLE_BYTES + headerLength > bytes.length)
    throw badInput(file, `truncated: the header needs ${headerLength} bytes, ${bytes.length - PREAMBLE_BYTES} remain`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8', PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength));
  } catch {
    throw badInput(file, 'the checkpoint header is not valid JSON');
  }
  const header = checkHeader(parsed, file);

  const dataStart = align4(PREAMBLE_BYTES + headerLength);
  const records = [...header.weights, ...header.optimiser];
  const dataBytes = records.reduce((n, r) => n + 4 * sizeOf(r.shape), 0);
  if (dataStart + dataBytes > bytes.length) throw badInput(file, `truncated: the data needs ${dataStart + dataBytes} bytes, the file has ${bytes.length}`);
  if (dataStart + dataBytes < bytes.length) throw badInput(file, `${bytes.length - dataStart - dataBytes} unexpected bytes after the data`);

  const read = (group: TensorRecord[]): WeightMap => {
    const map: WeightMap = {};
    for (const { name, shape, offset } of group) {
      const data = new Float32Array(sizeOf(shape));
      const copy = new Uint8Array(data.buffer);
      copy.set(bytes.subarray(dataStart + offset, dataStart + offset + data.byteLength));
      if (BIG_ENDIAN_HOST) Buffer.from(data.buffer).swap32();
      map[name] = { shape, data };
    }
    return map;
  };
  return { weights: read(header.weights), optimiser: read(header.optimiser), state: header.state };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The header's structure, with every tensor right after the previous one (which also rules out overlaps). */
function checkHeader(parsed: unknown, file: string): Header {
  if (!isObject(parsed)) throw badInput(file, 'the checkpoint header is not an object', { field: 'header' });
  if (!isObject(parsed.state)) throw badInput(file, 'the checkpoint header has no state object', { field: 'state' });
  let expectedOffset = 0;
  const group = (key: 'weights' | 'optimiser'): TensorRecord[] => {
    const list = parsed[key];
    if (!Array.isArray(list)) throw badInput(file, `the checkpoint header has no ${key} list`, { field: key });
    const seen = new Set<string>();
    return list.map((record: unknown, k) => {
      const where = `${key}[${k}]`;
      if (!isObject(record) || typeof record.name !== 'string') throw badInput(file, `${where} has no name`, { field: key });
      const { name, shape, offset } = record;
      if (seen.has(name)) throw badInput(file, `${key} ${name} appears twice`, { field: key });
      seen.add(name);
      if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
        throw badInput(file, `${key} ${name} has an invalid shape`, { field: key });
      }
      if (offset !== expectedOffset) throw badInput(file, `${key} ${name} is at byte ${String(offset)}, expected ${expectedOffset}`, { field: key });
      expectedOffset += 4 * sizeOf(shape);
      return { name, shape, offset };
    });
  };
  return { weights: group('weights'), optimiser: group('optimiser'), state: parsed.state };
}

/**
 * Adam's running products beta1^t, beta2^t. tfjs leaves them out of getWeights and recomputes them with
 * pow() in setWeights, which differs from the running product in the last bits: saved here so that a
 * resumed run takes exactly the steps an uninterrupted one would.
 */
const EXTRA_OPTIMISER_STATE = ['accBeta1', 'accBeta2'] as const;

function extraState(optimizer: tf.Optimizer): [string, tf.Variable][] {
  return EXTRA_OPTIMISER_STATE.flatMap((key) => {
    const value: unknown = Reflect.get(optimizer, key);
    return value instanceof tf.Variable ? [[key, value]] : [];
  });
}

/**
 * A tfjs optimiser's state as a WeightMap, under tfjs's names ('iter', '<variable>/m', ...) in tfjs's
 * order, which restoreOptimiser relies on (setWeights is positional). Adam also gets 'accBeta1' and
 * 'accBeta2' (see above).
 */
export async function optimiserWeights(optimizer: tf.Optimizer): Promise<WeightMap> {
  const named = [...(await optimizer.getWeights()), ...extraState(optimizer).map(([name, tensor]) => ({ name, tensor }))];
  const weights: WeightMap = {};
  try {
    for (const { name, tensor } of named) {
      // copied: the cpu backend hands out its own buffer ('iter' is int32 in tfjs, exact in float32 up to 2^24)
      weights[name] = { shape: [...tensor.shape], data: Float32Array.from(await tensor.data()) };
    }
  } finally {
    // getWeights returns the optimiser's own variables and fresh tensors (the step count): free only those
    for (const { tensor } of named) if (!(tensor instanceof tf.Variable)) tensor.dispose();
  }
  return weights;
}

/** Puts state from optimiserWeights into a new optimiser of the same kind, settings and variable order. */
export async function restoreOptimiser(optimizer: tf.Optimizer, weights: WeightMap): Promise<void> {
  const extras = new Map(extraState(optimizer));
  const named = Object.entries(weights)
    .filter(([name]) => !extras.has(name))
    // copied: the cpu backend would otherwise keep the caller's array as the optimiser's storage
    .map(([name, { shape, data }]) => ({ name, tensor: tf.tensor(data.slice(), shape, 'float32') }));
  try {
    await optimizer.setWeights(named);
  } catch (err) {
    throw new StudioError('INVALID_ARGUMENT', `the saved optimiser state does not fit this optimiser: ${(err as Error).message}`, { field: 'optimiser' });
  } finally {
    // the optimiser's variables hold their own references to the data
    for (const { tensor } of named) tensor.dispose();
  }
  // after setWeights, which overwrites them
  for (const [name, variable] of extras) {
    const saved = weights[name];
    if (saved) tf.tidy(() => variable.assign(tf.tensor(saved.data.slice(), variable.shape, 'float32')));
  }
}
