/**
 * `vskd export-dataset`: a dataset's splits as NumPy files for other tools, with manifest.json.
 *
 * Per split (a folder each), one entry per sample (a whole recording, or a segment or window of one in a
 * segment dataset): labels.npy int64 [N]; gaf.npy float32 [N, 3, S, S] (NCHW, the ONNX student's input);
 * raw.npy float32 [N, T, C] (every sensor channel of the sample's window, cut on the sensor clock and
 * resampled to the stream's rate as training reads it, zero-padded after its end to the split's longest,
 * T) with raw_lengths.npy int64 [N]; frames.npy uint8 [N, K, H, W, 3] (K frames at the segment centres
 * of the sample's video time, RGB). One padded array rather than a file per sample: one np.load gives
 * the whole split, and the lengths recover each sample exactly.
 *
 * Deterministic: the same project and options give byte-identical files (no timestamps; fixed
 * order: the dataset's samples). Resumable: each file is written to a temporary name and renamed, and
 * the manifest is rewritten after each one; a rerun keeps a file whose manifest entry has the
 * same key (what it was made from: samples, streams, settings) and whose checksum still matches.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ClockModel } from '../shared/clockModel.ts';
import { StudioError } from '../shared/errors.ts';
import { sensorClock } from '../datasets/sensorClock.ts';
import { sha256 } from '../files/checksum.ts';
import { encodeNpy, type NpyTypedArray } from '../formats/npy.ts';
import { gafFromRows, type GafMethod, type GafVariant } from '../shared/gaf.ts';
import { decodeFrames } from '../media/frames.ts';
import { segmentIndices } from '../media/segments.ts';
import { findDataset, type Split } from '../store/datasets.ts';
import type { Queryable } from '../store/db.ts';
import { closeProject, openProject } from '../store/project.ts';
import type { RecordingSummary, StreamSummary } from '../store/recordings.ts';
import { frameRange, loadSplits, sensorRows, type DatasetSample } from '../train/inputs.ts';

export type DatasetPart = 'gaf' | 'raw' | 'frames';

export interface DatasetExportOptions {
  projectPath: string;
  dataset: string;
  splits: readonly Split[];
  outDir: string;
  /** null: gaf and raw, and frames when every recording has a video */
  what: readonly DatasetPart[] | null;
  gaf: { size: number; method: GafMethod; variant: GafVariant };
  frames: { segments: number; size: number };
  log: (line: string) => void;
}

export interface FileEntry {
  path: string;
  dtype: string;
  shape: number[];
  sha256: string;
  bytes: number;
  /** a digest of what the file is made from; a rerun with the same key and checksum keeps the file */
  key: string;
}

export interface DatasetManifest {
  format: 'vskd-dataset-export';
  version: 1;
  dataset: { name: string; protocol: string; description: string };
  classes: string[];
  settings: Record<string, unknown>;
  splits: Partial<Record<Split, { recordings: Record<string, unknown>[]; files: Record<string, FileEntry> }>>;
}

export interface DatasetExportResult {
  manifest: DatasetManifest;
  /** paths relative to outDir */
  written: string[];
  kept: string[];
}

const MANIFEST = 'manifest.json';
const FORMAT_VERSION = 1;

function sensorStream(recording: RecordingSummary): StreamSummary {
  const stream = recording.streams.find((s) => s.kind === 'sensor');
  if (!stream) throw new StudioError('NOT_FOUND', `recording ${recording.name} has no sensor stream`, { field: 'sensor' });
  return stream;
}

function videoPath(recording: RecordingSummary): string | null {
  const path = recording.streams.find((s) => s.kind === 'video')?.meta.path;
  return typeof path === 'string' ? path : null;
}

export async function exportDataset(options: DatasetExportOptions): Promise<DatasetExportResult> {
  const project = await openProject(options.projectPath);
  try {
    const dataset = await findDataset(project.db, options.dataset);
    const data = await loadSplits(project.db, dataset.id);
    const samples = options.splits.flatMap((split) => data.splits[split].recordings);
    const what = options.what ?? (['gaf', 'raw', ...(samples.every((r) => videoPath(r) !== null) ? ['frames' as const] : [])] as DatasetPart[]);
    if (what.includes('frames')) {
      const without = samples.find((r) => videoPath(r) === null);
      if (without) throw new StudioError('NOT_FOUND', `recording ${without.name} has no video: frames cannot be exported`, { field: 'what' });
    }
    const channels = sensorStream(samples[0] ?? data.splits.train.recordings[0]).channels;
    for (const r of samples) {
      if (sensorStream(r).channels.length !== channels.length) {
        throw new StudioError('BAD_INPUT', `recording ${r.name} has ${sensorStream(r).channels.length} sensor channels, the others ${channels.length}`, {
          field: 'sensor',
        });
      }
    }
    const settings: Record<string, unknown> = {};
    if (what.includes('gaf')) {
      const { size, method, variant } = options.gaf;
      settings.gaf = {
        method,
        variant,
        size,
        sampleRange: [-1, 1],
        paa: variant === 'pyts' ? { windows: size, overlapping: false } : null,
        layout: 'NCHW',
        channels: channels.slice(0, 3).map((c) => c.name),
        source: "each sample's sensor window (raw's rows), the first three sensor channels: the images the student trains on, channel-first",
      };
    }
    if (what.includes('raw')) {
      settings.raw = {
        dtype: 'float32',
        layout: "[N, T, C]: each sample's rows from its first, zeros after its last up to T, the longest in the split",
        lengths: 'raw_lengths.npy: rows of each sample',
        channels,
        note: 'float32; a whole recording of a regular stream as stored, else resampled from its timestamps to its rate (row k at its first time + k / rate)',
      };
    }
    if (what.includes('frames')) {
      settings.frames = {
        segments: options.frames.segments,
        size: options.frames.size,
        channels: 'RGB',
        layout: '[N, K, H, W, C] uint8',
        sampling: "segment centres: frame k = floor(F/K/2 + k·F/K) of the F video frames under the sample's video time (TSN evaluation sampling)",
        scaling: 'bilinear resize to size × size, aspect ratio not kept',
      };
    }
    const cut = (samples[0] ?? data.splits.train.recordings[0]).cut;
    settings.samples = {
      kind: cut.samples,
      window: cut.window,
      clip: cut.clip === null ? null : [-cut.clip, cut.clip],
      timing:
        'a window is in video seconds; its sensor rows are cut on the sensor clock through the recording clock model (sensor = video × (1 + drift) + offset)',
    };
    const manifest: DatasetManifest = {
      format: 'vskd-dataset-export',
      version: FORMAT_VERSION,
      dataset: { name: dataset.name, protocol: dataset.protocol, description: dataset.description },
      classes: data.classes,
      settings,
      splits: {},
    };
    const writer = new ExportWriter(options.outDir, await readManifest(join(options.outDir, MANIFEST), options.log), manifest, options.log);
    for (const split of options.splits) {
      const { recordings: members, labels } = data.splits[split];
      manifest.splits[split] = {
        recordings: members.map((r, i) => ({
          name: r.name,
          subject: r.subject,
          trial: r.trial,
          label: r.label,
          class: labels[i],
          window: r.window && { start: r.window.start, end: r.window.end, segment: r.window.annotationId },
          rateHz: sensorStream(r).rate,
        })),
        files: {},
      };
      await exportSplit(project.db, { split, recordings: members, labels, classes: data.classes, channels: channels.length }, what, options, writer);
    }
    return { manifest, written: writer.written, kept: writer.kept };
  } finally {
    await closeProject(project);
  }
}

interface SplitInput {
  split: Split;
  recordings: DatasetSample[];
  labels: Int32Array;
  /** the dataset's classes: the labels' indices point into them */
  classes: string[];
  /** sensor channels of every recording (checked): an empty split's raw.npy still has them */
  channels: number;
}

async function exportSplit(db: Queryable, input: SplitInput, what: readonly DatasetPart[], options: DatasetExportOptions, writer: ExportWriter): Promise<void> {
  const { split, recordings, labels, classes } = input;
  // what a file is made from: its samples, their streams (a re-import makes new streams), cut and clock
  // model (a new alignment moves the sensor windows), the class order
  const clocks = new Map<number, ClockModel>();
  for (const r of recordings) if (!clocks.has(r.id)) clocks.set(r.id, await sensorClock(db, r.id, sensorStream(r).id));
  const identity = recordings.map((r) => ({
    id: r.id,
    name: r.name,
    label: r.label,
    window: r.window,
    cut: r.cut,
    clock: clocks.get(r.id),
    streams: r.streams.map((s) => [s.id, s.length]),
  }));
  const key = (file: string, settings: unknown) =>
    sha256(new TextEncoder().encode(JSON.stringify({ version: FORMAT_VERSION, split, file, classes, identity, settings })));
  let samples: { rows: number; cols: number; data: Float64Array }[] | null = null;
  const samplesOf = async () => {
    if (samples) return samples;
    const rowsOf = sensorRows(db);
    samples = [];
    for (const r of recordings) samples.push(await rowsOf(r));
    return samples;
  };
  const n = recordings.length;

  await writer.file(split, 'labels', key('labels', null), async () => ({ data: BigInt64Array.from(labels, (l) => BigInt(l)), shape: [n] }));
  if (what.includes('gaf')) {
    const { size, method, variant } = options.gaf;
    await writer.file(split, 'gaf', key('gaf', options.gaf), async () => {
      const images = new Float32Array(n * 3 * size * size);
      for (const [k, s] of (await samplesOf()).entries()) {
        if (s.cols < 3)
          throw new StudioError('BAD_INPUT', `recording ${recordings[k].name}: its sensor stream has ${s.cols} channels; 3 are needed for a GAF`, {
            field: 'sensor',
          });
        gafFromRows(s.data, s.rows, s.cols, [0, 1, 2], { size, method, variant }, images, k * 3 * size * size);
      }
      return { data: images, shape: [n, 3, size, size] };
    });
  }
  if (what.includes('raw')) {
    await writer.file(split, 'raw', key('raw', null), async () => {
      const all = await samplesOf();
      const t = Math.max(0, ...all.map((s) => s.rows));
      const c = input.channels;
      const raw = new Float32Array(n * t * c);
      all.forEach((s, k) => {
        if (s.cols !== c)
          throw new StudioError('BAD_INPUT', `recording ${recordings[k].name}: its sensor samples have ${s.cols} columns, its stream lists ${c} channels`, {
            field: 'sensor',
          });
        raw.set(s.data, k * t * c);
      });
      return { data: raw, shape: [n, t, c] };
    });
    await writer.file(split, 'raw_lengths', key('raw_lengths', null), async () => ({
      data: BigInt64Array.from(await samplesOf(), (s) => BigInt(s.rows)),
      shape: [n],
    }));
  }
  if (what.includes('frames')) {
    const { segments, size } = options.frames;
    await writer.file(split, 'frames', key('frames', options.frames), async () => {
      const per = segments * size * size * 3;
      const frames = new Uint8Array(n * per);
      for (const [k, r] of recordings.entries()) {
        const video = r.streams.find((s) => s.kind === 'video')!;
        if (video.length < 1) throw new StudioError('BAD_INPUT', `recording ${r.name}: its video stream has no frames`, { field: 'video' });
        const { first, count } = frameRange(video.length, video.rate, r.window);
        const indices = segmentIndices(count, segments, 'eval').map((i) => first + i);
        frames.set(await decodeFrames(videoPath(r)!, indices, { width: size, height: size, channels: 3 }), k * per);
        options.log(`${split}/frames.npy: ${k + 1}/${n} videos`);
      }
      return { data: frames, shape: [n, segments, size, size, 3] };
    });
  }
}

/** The manifest a previous export left, or null (none, or unreadable: then everything is made anew). */
async function readManifest(path: string, log: (line: string) => void): Promise<DatasetManifest | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const json = JSON.parse(text) as DatasetManifest;
    return json.format === 'vskd-dataset-export' ? json : null;
  } catch (err) {
    log(`${path}: not readable JSON (${(err as Error).message}); every file is written anew`);
    return null;
  }
}

/** Writes (or keeps) one file at a time and the manifest after each. */
class ExportWriter {
  readonly written: string[] = [];
  readonly kept: string[] = [];

  constructor(
    private readonly outDir: string,
    private readonly previous: DatasetManifest | null,
    private readonly manifest: DatasetManifest,
    private readonly log: (line: string) => void,
  ) {}

  async file(split: Split, name: string, key: string, make: () => Promise<{ data: NpyTypedArray; shape: number[] }>): Promise<void> {
    const path = `${split}/${name}.npy`;
    const full = join(this.outDir, path);
    const files = this.manifest.splits[split]!.files;
    const before = this.previous?.splits[split]?.files[name];
    if (before && before.key === key && before.path === path) {
      const existing = await readFile(full).catch(() => null);
      if (existing && sha256(existing) === before.sha256) {
        files[name] = before;
        this.kept.push(path);
        this.log(`${path}: kept (unchanged inputs, checksum matches)`);
        return this.saveManifest();
      }
    }
    const { data, shape } = await make();
    const bytes = encodeNpy(data, shape);
    await atomicWrite(full, bytes);
    files[name] = { path, dtype: npyDtype(data), shape, sha256: sha256(bytes), bytes: bytes.length, key };
    this.written.push(path);
    this.log(`${path}: written, ${npyDtype(data)} [${shape.join(', ')}]`);
    await this.saveManifest();
  }

  private saveManifest(): Promise<void> {
    return atomicWrite(join(this.outDir, MANIFEST), new TextEncoder().encode(`${JSON.stringify(this.manifest, null, 2)}\n`));
  }
}

/** A temporary name, then a rename: an interrupted write never leaves a truncated file under the real name. */
async function atomicWrite(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.partial`, bytes);
  await rename(`${path}.partial`, path);
}

function npyDtype(data: NpyTypedArray): string {
  return data instanceof Float32Array ? 'float32' : data instanceof BigInt64Array ? 'int64' : 'uint8';
}
