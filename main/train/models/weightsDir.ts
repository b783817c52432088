/**
 * Our weights directory: model.json (a tfjs-style weightsManifest plus our metadata) and
 * weights.bin (little-endian float32, in manifest order). The manifest layout is tfjs's, so a
 * directory written by tfjs's own save handlers is readable too; its weights are matched by name.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve, isAbsolute } from 'node:path';
import { badInput, StudioError } from '../../shared/errors.ts';
import { sizeOf, type LoadReport, type Model, type WeightMap } from './parameters.ts';

const MANIFEST = 'model.json';
const DATA = 'weights.bin';
export const WEIGHTS_FORMAT = 'vskd-weights';

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype?: string };
}

interface ManifestGroup {
  paths: string[];
  weights: ManifestEntry[];
}

/** bytes per stored value, by dtype (tfjs's numeric dtypes and its quantised ones) */
const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

export interface ReadWeights {
  weights: WeightMap;
  /** entries present but not loadable (non-float32 or quantised) */
  unreadable: { name: string; reason: string }[];
  /** the `meta` object saved with the weights, if any */
  meta: Record<string, unknown> | null;
}

/** Writes `weights` (and `meta`, e.g. the model's config) into `dir`, creating it. */
export async function saveWeightsDir(dir: string, weights: WeightMap, meta: Record<string, unknown> = {}): Promise<void> {
  const entries = Object.entries(weights);
  const bytes = new Uint8Array(entries.reduce((n, [, w]) => n + w.data.length * 4, 0));
  const view = new DataView(bytes.buffer);
  let offset = 0;
  for (const [, { data }] of entries) {
    for (const value of data) {
      view.setFloat32(offset, value, true);
      offset += 4;
    }
  }
  const manifest = {
    format: WEIGHTS_FORMAT,
    version: 1,
    meta,
    weightsManifest: [{ paths: [DATA], weights: entries.map(([name, w]) => ({ name, shape: w.shape, dtype: 'float32' })) }],
  };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, DATA), bytes);
  await writeFile(join(dir, MANIFEST), JSON.stringify(manifest, null, 1));
}

export async function readWeightsDir(dir: string): Promise<ReadWeights> {
  const manifestPath = join(dir, MANIFEST);
  const text = await readFile(manifestPath, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new StudioError('NOT_FOUND', `${manifestPath} does not exist`, { file: manifestPath });
    throw err;
  });
  let json: { weightsManifest?: unknown; meta?: unknown };
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw badInput(manifestPath, `not JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(json.weightsManifest)) throw badInput(manifestPath, 'has no weightsManifest array', { field: 'weightsManifest' });
  const result: ReadWeights = {
    weights: {},
    unreadable: [],
    meta: json.meta && typeof json.meta === 'object' ? (json.meta as Record<string, unknown>) : null,
  };
  for (const group of json.weightsManifest as ManifestGroup[]) await readGroup(dir, manifestPath, group, result);
  return result;
}

/**
 * Initialises `model` from a directory of saved weights: takes every weight whose name and shape
 * match, leaves the rest at their initial values, and reports both.
 */
export async function initFromWeightsDir(model: Model, dir: string): Promise<LoadReport> {
  const { weights, unreadable } = await readWeightsDir(dir);
  const report = model.loadMatchingWeights(weights);
  return { ...report, skipped: [...unreadable, ...report.skipped] };
}

async function readGroup(dir: string, manifestPath: string, group: ManifestGroup, result: ReadWeights): Promise<void> {
  if (!Array.isArray(group?.paths) || !Array.isArray(group.weights)) {
    throw badInput(manifestPath, 'a weightsManifest group lacks paths or weights', { field: 'weightsManifest' });
  }
  const buffers = await Promise.all(
    group.paths.map((path) => {
      const file = insideDir(dir, manifestPath, path);
      return readFile(file).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') throw new StudioError('NOT_FOUND', `${file}, named in ${manifestPath}, does not exist`, { file });
        throw err;
      });
    }),
  );
  const bytes = Buffer.concat(buffers);
  let offset = 0;
  for (const entry of group.weights) {
    const size = checkEntry(entry, manifestPath);
    const stored = entry.quantization?.dtype ?? entry.dtype;
    const perValue = BYTES[stored];
    if (perValue === undefined) throw badInput(manifestPath, `${entry.name}: unsupported dtype ${stored}`, { field: 'dtype' });
    const length = size * perValue;
    if (offset + length > bytes.length) {
      throw badInput(manifestPath, `${entry.name}: the weight files end at byte ${bytes.length}, before this weight's ${offset + length}`);
    }
    if (stored !== 'float32') result.unreadable.push({ name: entry.name, reason: `stored as ${entry.quantization ? 'quantised ' : ''}${stored}` });
    else {
      const data = new Float32Array(size);
      for (let k = 0; k < size; k++) data[k] = bytes.readFloatLE(offset + 4 * k);
      result.weights[entry.name] = { shape: [...entry.shape], data };
    }
    offset += length;
  }
}

function checkEntry(entry: ManifestEntry, manifestPath: string): number {
  const fine =
    typeof entry?.name === 'string' && Array.isArray(entry.shape) && entry.shape.every((d) => Number.isInteger(d) && d >= 0) && typeof entry.dtype === 'string';
  if (!fine) throw badInput(manifestPath, `a weightsManifest entry is malformed: ${JSON.stringify(entry)}`, { field: 'weightsManifest' });
  return sizeOf(entry.shape);
}

/** A manifest's data path, refused if it leads outside the directory. */
function insideDir(dir: string, manifestPath: string, path: string): string {
  const full = resolve(dir, String(path));
  const rel = relative(resolve(dir), full);
  if (rel.startsWith('..') || isAbsolute(rel)) throw badInput(manifestPath, `weight file ${path} is outside the directory`, { field: 'paths' });
  return full;
}
