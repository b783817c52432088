/**
 * The tensors' raw material, read once from the project: class labels, the student's GAF images
 * (NHWC, channels = accelerometer x, y, z) and the teacher's per-recording sequences (hip-centred
 * skeleton joints, decoded video frames) from which segments are sampled each epoch.
 */
import { StudioError } from '../shared/errors.ts';
import { gafFromRows } from '../shared/gaf.ts';
import { decodeAllFrames } from '../media/frames.ts';
import { readSkeleton } from '../sensors/skeleton.ts';
import type { Queryable } from '../store/db.ts';
import { datasetMembers, type Split } from '../store/datasets.ts';
import { listLabels } from '../store/labels.ts';
import { listRecordings, type RecordingSummary } from '../store/recordings.ts';
import { readSamples } from '../store/samples.ts';
import { streamSourcePath } from '../store/streams.ts';
import type { StudentSettings } from './job.ts';
import { centreSkeleton, UTD_MHAD_HIP_CENTRE } from './models/pose.ts';

export interface SplitData {
  /** class names in label order; index = class */
  classes: string[];
  splits: Record<Split, { recordings: RecordingSummary[]; labels: Int32Array }>;
}

/** The dataset's recordings by split, with class indices over the labels the dataset uses. */
export async function loadSplits(db: Queryable, datasetId: number): Promise<SplitData> {
  const members = await datasetMembers(db, datasetId);
  if (members.length === 0) throw new StudioError('NOT_FOUND', `dataset ${datasetId} has no recordings`, { field: 'dataset' });
  const byId = new Map((await listRecordings(db)).map((r) => [r.id, r]));
  const used = new Set(members.map((m) => byId.get(m.recordingId)?.label));
  const classes = (await listLabels(db)).map((l) => l.name).filter((name) => used.has(name));
  const classOf = new Map(classes.map((name, i) => [name, i]));
  const splits = {} as SplitData['splits'];
  for (const split of ['train', 'val', 'test'] as const) {
    const recordings = members.filter((m) => m.split === split).map((m) => byId.get(m.recordingId)!);
    const unlabelled = recordings.find((r) => r.label === null);
    if (unlabelled) throw new StudioError('BAD_INPUT', `recording ${unlabelled.name} has no label`, { field: 'label' });
    splits[split] = { recordings, labels: Int32Array.from(recordings, (r) => classOf.get(r.label!)!) };
  }
  if (splits.train.recordings.length === 0) throw new StudioError('BAD_INPUT', `dataset ${datasetId} has no training recordings`, { field: 'dataset' });
  return { classes, splits };
}

function streamOf(recording: RecordingSummary, kind: 'sensor' | 'skeleton' | 'video') {
  const stream = recording.streams.find((s) => s.kind === kind);
  if (!stream) throw new StudioError('NOT_FOUND', `recording ${recording.name} has no ${kind} stream`, { field: kind });
  return stream;
}

/** GAF images of the first three channels of each recording's sensor stream: [N, S, S, 3]. */
export async function studentImages(db: Queryable, recordings: RecordingSummary[], settings: StudentSettings, onRecording?: () => void): Promise<Float32Array> {
  const s = settings.gafSize;
  const pixels = s * s;
  const images = new Float32Array(recordings.length * pixels * 3);
  const chw = new Float32Array(3 * pixels);
  for (const [n, recording] of recordings.entries()) {
    const samples = await readSamples(db, streamOf(recording, 'sensor').id);
    if (samples.cols < 3) throw new StudioError('BAD_INPUT', `recording ${recording.name}: its sensor stream has ${samples.cols} channels; 3 are needed`, { field: 'sensor' });
    gafFromRows(samples.data, samples.rows, samples.cols, [0, 1, 2], { size: s, method: settings.gafMethod, variant: settings.gafVariant }, chw);
    // CHW (one image per axis) → HWC, the layout of the convolutions
    const base = n * pixels * 3;
    for (let p = 0; p < pixels; p++) for (let c = 0; c < 3; c++) images[base + p * 3 + c] = chw[c * pixels + p];
    onRecording?.();
  }
  return images;
}

/** A recording's frames (or skeleton poses) as one flat array, `frameSize` values per frame. */
export interface Sequence {
  frames: number;
  data: Float32Array | Uint8Array;
}

/** Hip-centred skeletons (joints × 3 per frame) from each recording's skeleton file. */
export async function poseSequences(db: Queryable, recordings: RecordingSummary[], onRecording?: () => void): Promise<{ joints: number; sequences: Sequence[] }> {
  let joints = 0;
  const sequences: Sequence[] = [];
  for (const recording of recordings) {
    const path = await streamSourcePath(db, streamOf(recording, 'skeleton').id);
    if (!path) throw new StudioError('NOT_FOUND', `recording ${recording.name}: its skeleton stream has no source file`, { field: 'skeleton' });
    const skeleton = await readSkeleton(path);
    if (joints && skeleton.joints !== joints) throw new StudioError('BAD_INPUT', `${path}: ${skeleton.joints} joints, the others have ${joints}`, { file: path });
    joints = skeleton.joints;
    sequences.push({ frames: skeleton.frames, data: centreSkeleton(skeleton.data, joints, Math.min(UTD_MHAD_HIP_CENTRE, joints - 1)) });
    onRecording?.();
  }
  return { joints, sequences };
}

/** Every frame of each recording's video, gray, at size × size (sampled per epoch later). */
export async function frameSequences(recordings: RecordingSummary[], size: number, onRecording?: () => void): Promise<Sequence[]> {
  const sequences: Sequence[] = [];
  for (const recording of recordings) {
    const path = streamOf(recording, 'video').meta.path;
    if (typeof path !== 'string') throw new StudioError('NOT_FOUND', `recording ${recording.name}: its video stream has no file`, { field: 'video' });
    const { data, count } = await decodeAllFrames(path, { width: size, height: size, channels: 1 });
    sequences.push({ frames: count, data });
    onRecording?.();
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
