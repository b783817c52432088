/**
 * The tensors' raw material, read once from the project: class labels, the student's GAF images
 * (NHWC, channels = accelerometer x, y, z) and the teacher's per-sample sequences (hip-centred
 * skeleton joints, decoded video frames) from which segments are sampled each epoch. A sample is a
 * whole recording or, in a segment dataset, a segment or a window of one: its sensor rows are cut
 * through the clock model and resampled (datasets/sensorCut.ts), its frames are those of its video time.
 */
import type { ClockModel } from '../shared/clockModel.ts';
import { StudioError } from '../shared/errors.ts';
import { cutSensor, type SensorSeries } from '../datasets/sensorCut.ts';
import { sensorClock } from '../datasets/sensorClock.ts';
import { decodeAllFrames } from '../media/frames.ts';
import { readSkeleton } from '../sensors/skeleton.ts';
import type { Queryable } from '../store/db.ts';
import { datasetMembers, datasetWindows, findDataset, type Split } from '../store/datasets.ts';
import { listLabels } from '../store/labels.ts';
import { listRecordings, type RecordingSummary } from '../store/recordings.ts';
import { readSamples } from '../store/samples.ts';
import { streamSourcePath } from '../store/streams.ts';
import { gafImagesOf, type AxesWindow } from './gafImages.ts';
import type { StudentSettings } from './job.ts';
import { centreSkeleton, UTD_MHAD_HIP_CENTRE } from './models/pose.ts';

/** How a dataset's samples were cut (its stored config), the same object on each of its samples. */
export interface SampleCut {
  samples: 'recordings' | 'segments';
  /** windows inside segments; null: each segment (or recording) whole */
  window: { seconds: number; stride: number } | null;
  /** sensor values clipped to ±clip; null: none */
  clip: number | null;
}

/** One sample: its recording, with the sample's own label and the stretch of the recording it covers. */
export interface DatasetSample extends RecordingSummary {
  /** the segment's label, or the recording's */
  label: string;
  /** video seconds; null: the whole recording */
  window: { start: number; end: number; annotationId: number | null } | null;
  cut: SampleCut;
}

export interface SplitData {
  /** class names in label order; index = class */
  classes: string[];
  /** per split its samples (named recordings: a whole-recording dataset's samples are its recordings) */
  splits: Record<Split, { recordings: DatasetSample[]; labels: Int32Array }>;
}

function sampleCut(config: Record<string, unknown>): SampleCut {
  const window = config.window as SampleCut['window'] | undefined;
  return {
    samples: config.samples === 'segments' ? 'segments' : 'recordings',
    window: window ?? null,
    clip: typeof config.clip === 'number' ? config.clip : null,
  };
}

/** The dataset's samples by split, with class indices over the labels the dataset uses. */
export async function loadSplits(db: Queryable, datasetId: number): Promise<SplitData> {
  const dataset = await findDataset(db, datasetId);
  const members = await datasetMembers(db, datasetId);
  if (members.length === 0) throw new StudioError('NOT_FOUND', `dataset ${datasetId} has no recordings`, { field: 'dataset' });
  const byId = new Map((await listRecordings(db)).map((r) => [r.id, r]));
  const cut = sampleCut(dataset.config);
  const windows = await datasetWindows(db, datasetId);
  const samples: { split: Split; sample: DatasetSample }[] = [];
  const splitOf = new Map(members.map((m) => [m.recordingId, m.split]));
  if (windows.length > 0) {
    for (const w of windows) {
      const sample = { ...byId.get(w.recordingId)!, label: w.label, window: { start: w.start, end: w.end, annotationId: w.annotationId }, cut };
      samples.push({ split: splitOf.get(w.recordingId)!, sample });
    }
  } else {
    for (const m of members) {
      const recording = byId.get(m.recordingId)!;
      if (recording.label === null) throw new StudioError('BAD_INPUT', `recording ${recording.name} has no label`, { field: 'label' });
      samples.push({ split: m.split, sample: { ...recording, label: recording.label, window: null, cut } });
    }
  }
  const used = new Set(samples.map((s) => s.sample.label));
  const classes = (await listLabels(db)).map((l) => l.name).filter((name) => used.has(name));
  const classOf = new Map(classes.map((name, i) => [name, i]));
  const splits = {} as SplitData['splits'];
  for (const split of ['train', 'val', 'test'] as const) {
    const recordings = samples.filter((s) => s.split === split).map((s) => s.sample);
    splits[split] = { recordings, labels: Int32Array.from(recordings, (r) => classOf.get(r.label)!) };
  }
  if (splits.train.recordings.length === 0) throw new StudioError('BAD_INPUT', `dataset ${datasetId} has no training samples`, { field: 'dataset' });
  return { classes, splits };
}

function streamOf(recording: RecordingSummary, kind: 'sensor' | 'skeleton' | 'video') {
  const stream = recording.streams.find((s) => s.kind === kind);
  if (!stream) throw new StudioError('NOT_FOUND', `recording ${recording.name} has no ${kind} stream`, { field: kind });
  return stream;
}

/** Reads once for a run of consecutive calls with the same key: the samples of one recording come together. */
function keepLast<V>(): (key: string | number, read: () => Promise<V>) => Promise<V> {
  let last: { key: string | number; value: Promise<V> } | null = null;
  return (key, read) => {
    if (last?.key !== key) last = { key, value: read() };
    return last.value;
  };
}

/** A sample's sensor rows: its window of the first sensor stream, on the sensor clock, resampled and clipped. */
export function sensorRows(db: Queryable): (sample: DatasetSample) => Promise<{ rows: number; cols: number; data: Float64Array }> {
  const series = keepLast<SensorSeries & { clock: ClockModel }>();
  return async (sample) => {
    const stream = streamOf(sample, 'sensor');
    const s = await series(stream.id, async () => {
      const samples = await readSamples(db, stream.id);
      const clock = await sensorClock(db, sample.id, stream.id);
      return { rows: samples.rows, cols: samples.cols, rate: stream.rate, data: samples.data, timestamps: samples.timestamps ?? null, clock };
    });
    const cut = cutSensor(s, s.clock, sample.window, sample.cut.clip);
    return { rows: cut.rows, cols: s.cols, data: cut.data };
  };
}

/** The first three channels of each sample's sensor window, read once (augmentation redraws images from them each epoch). */
export async function studentSignals(db: Queryable, samples: DatasetSample[], onSample?: () => void): Promise<AxesWindow[]> {
  const rowsOf = sensorRows(db);
  const windows: AxesWindow[] = [];
  for (const sample of samples) {
    const rows = await rowsOf(sample);
    if (rows.cols < 3)
      throw new StudioError('BAD_INPUT', `recording ${sample.name}: its sensor stream has ${rows.cols} channels; 3 are needed`, { field: 'sensor' });
    const data = new Float64Array(rows.rows * 3);
    for (let t = 0; t < rows.rows; t++) for (let c = 0; c < 3; c++) data[t * 3 + c] = rows.data[t * rows.cols + c];
    windows.push({ rows: rows.rows, data });
    onSample?.();
  }
  return windows;
}

/** GAF images of the first three channels of each sample's sensor window: [N, S, S, 3]. */
export async function studentImages(db: Queryable, samples: DatasetSample[], settings: StudentSettings, onSample?: () => void): Promise<Float32Array> {
  return gafImagesOf(await studentSignals(db, samples, onSample), settings);
}

/** A recording's frames (or skeleton poses) as one flat array, `frameSize` values per frame. */
export interface Sequence {
  frames: number;
  data: Float32Array | Uint8Array;
}

/** The frames of a stream at `rate` under a sample's video time: all for a whole recording, else at least one. */
export function frameRange(frameCount: number, rate: number, window: DatasetSample['window']): { first: number; count: number } {
  if (!window) return { first: 0, count: frameCount };
  const first = Math.min(frameCount - 1, Math.max(0, Math.floor(window.start * rate)));
  const end = Math.min(frameCount, Math.max(first + 1, Math.ceil(window.end * rate)));
  return { first, count: end - first };
}

/** A sequence's frames under a sample's video time, sharing its memory. */
function framesOf(sequence: Sequence, frameSize: number, rate: number, window: DatasetSample['window']): Sequence {
  const { first, count } = frameRange(sequence.frames, rate, window);
  return { frames: count, data: sequence.data.subarray(first * frameSize, (first + count) * frameSize) };
}

/** Hip-centred skeletons (joints × 3 per frame) from each sample's skeleton file, its window's frames. */
export async function poseSequences(db: Queryable, samples: DatasetSample[], onSample?: () => void): Promise<{ joints: number; sequences: Sequence[] }> {
  let joints = 0;
  const sequences: Sequence[] = [];
  const read = keepLast<Awaited<ReturnType<typeof readSkeleton>>>();
  for (const sample of samples) {
    const stream = streamOf(sample, 'skeleton');
    const path = await streamSourcePath(db, stream.id);
    if (!path) throw new StudioError('NOT_FOUND', `recording ${sample.name}: its skeleton stream has no source file`, { field: 'skeleton' });
    const skeleton = await read(path, () => readSkeleton(path));
    if (joints && skeleton.joints !== joints)
      throw new StudioError('BAD_INPUT', `${path}: ${skeleton.joints} joints, the others have ${joints}`, { file: path });
    joints = skeleton.joints;
    const whole = { frames: skeleton.frames, data: centreSkeleton(skeleton.data, joints, Math.min(UTD_MHAD_HIP_CENTRE, joints - 1)) };
    sequences.push(framesOf(whole, joints * 3, stream.rate, sample.window));
    onSample?.();
  }
  return { joints, sequences };
}

/** Each sample's video frames, gray, at size × size, its window's frames (sampled per epoch later). */
export async function frameSequences(samples: DatasetSample[], size: number, onSample?: () => void): Promise<Sequence[]> {
  const sequences: Sequence[] = [];
  const decode = keepLast<Awaited<ReturnType<typeof decodeAllFrames>>>();
  for (const sample of samples) {
    const stream = streamOf(sample, 'video');
    const path = stream.meta.path;
    if (typeof path !== 'string') throw new StudioError('NOT_FOUND', `recording ${sample.name}: its video stream has no file`, { field: 'video' });
    const { data, count } = await decode(path, () => decodeAllFrames(path, { width: size, height: size, channels: 1 }));
    sequences.push(framesOf({ frames: count, data }, size * size, stream.rate, sample.window));
    onSample?.();
  }
  return sequences;
}

/** Gathers `indices[k]` frames of each sequence into [B, K, frameSize] float32 (scaled by `scale`). */
export function gatherSegments(sequences: Sequence[], indices: number[][], frameSize: number, scale = 1): Float32Array {
  const k = indices[0]?.length ?? 0;
  const out = new Float32Array(sequences.length * k * frameSize);
  sequences.forEach((seq, b) => {
    indices[b].forEach((frame, j) => {
      const src = seq.data.subarray(frame * frameSize, (frame + 1) * frameSize);
      const dst = (b * k + j) * frameSize;
      for (let i = 0; i < frameSize; i++) out[dst + i] = src[i] * scale;
    });
  });
  return out;
}
