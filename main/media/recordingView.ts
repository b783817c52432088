/**
 * One recording as the recording view shows it: which of its streams play, plot and overlay, its
 * automatic alignment, and its skeleton frames. The sensor windows are in sensorWindow.ts.
 */
import { StudioError } from '../shared/errors.ts';
import { readSkeleton } from '../sensors/skeleton.ts';
import { resampleUniform } from '../sensors/resample.ts';
import { getAlignment, getStreamAlignment, type Alignment, type StreamAlignment } from '../store/alignment.ts';
import type { Queryable } from '../store/db.ts';
import { getRecording, type RecordingSummary, type StreamSummary } from '../store/recordings.ts';
import { streamSourcePath } from '../store/streams.ts';
import { autoSync, type AutoSyncResult } from '../sync/autoSync.ts';
import { videoMotion } from '../sync/motion.ts';
import { centreSkeleton } from '../train/models/pose.ts';
import { videoContentType } from './mediaRoute.ts';
import { playbackPath } from './proxy.ts';
import { rowTime } from '../shared/rowClock.ts';
import { loadSeries, toBase64, type SensorSeries } from './sensorWindow.ts';
import { isConstantRate, videoFrameTimes } from './frameTimes.ts';

export interface ViewVideo {
  streamId: number;
  /** null: a container no browser plays */
  contentType: string | null;
  fps: number;
  frames: number;
  duration: number;
  width: number;
  height: number;
  /** each frame's start (s from the first frame) as base64 float64, for a variable-rate video; null when frame k starts at k / fps */
  frameTimes: string | null;
}

export interface ViewSensor {
  streamId: number;
  name: string;
  rate: number;
  rows: number;
  /** the first and last sample's sensor time (s) */
  start: number;
  end: number;
  /** the sensor's own time of its first sample (the file's first timestamp), which the trace's axis counts from */
  timeOrigin: number;
  channels: { name: string; unit: string }[];
  /** the clock model its trace maps through: its own, else the recording's (inherited) */
  alignment: StreamAlignment;
}

/** 'kinect-depth': Kinect camera space (metres) over a video of the same Kinect's depth image */
export type SkeletonProjection = 'kinect-depth' | null;

export interface ViewSkeleton {
  streamId: number;
  joints: number;
  frames: number;
  rate: number;
  projection: SkeletonProjection;
}

export interface RecordingView {
  recording: RecordingSummary;
  alignment: Alignment;
  video: ViewVideo | null;
  sensors: ViewSensor[];
  skeleton: ViewSkeleton | null;
}

const numberMeta = (s: StreamSummary, key: string): number | null => (typeof s.meta[key] === 'number' ? (s.meta[key] as number) : null);

/** The recording's first video stream with a file: what a <video> can play. */
function playableVideo(recording: RecordingSummary): StreamSummary | null {
  return recording.streams.find((s) => s.kind === 'video' && typeof s.meta.path === 'string') ?? null;
}

/** The frames' times where they are not k / fps; a file that cannot be read plays no better, and the player says why. */
async function variableFrameTimes(path: string, fps: number): Promise<Float64Array | null> {
  const times = await videoFrameTimes(path).catch(() => null);
  return times && !isConstantRate(times, fps) ? times : null;
}

async function viewVideo(s: StreamSummary): Promise<ViewVideo> {
  const played = playbackPath(s.meta);
  const contentType = played === null ? null : videoContentType(played);
  const times = played !== null && contentType ? await variableFrameTimes(played, s.rate) : null;
  return {
    streamId: s.id,
    contentType,
    fps: s.rate,
    frames: times?.length ?? s.length,
    duration: numberMeta(s, 'duration') ?? s.length / s.rate,
    width: numberMeta(s, 'width') ?? 0,
    height: numberMeta(s, 'height') ?? 0,
    frameTimes: times && toBase64(times),
  };
}

function viewSensor(s: StreamSummary, series: SensorSeries, alignment: StreamAlignment): ViewSensor {
  return {
    streamId: s.id,
    name: s.name,
    rate: s.rate,
    rows: series.rows,
    start: series.rows ? rowTime(series, 0) : 0,
    end: series.rows ? rowTime(series, series.rows - 1) : 0,
    timeOrigin: numberMeta(s, 'startTime') ?? 0,
    channels: s.channels,
    alignment,
  };
}

/** UTD-MHAD's depth transcodes name their source; their skeleton is in the same Kinect's camera space. */
function projectionOf(recording: RecordingSummary): SkeletonProjection {
  return playableVideo(recording)?.meta.sourceVariable === 'd_depth' ? 'kinect-depth' : null;
}

export async function recordingView(db: Queryable, recordingId: number): Promise<RecordingView> {
  const recording = await getRecording(db, recordingId);
  const video = playableVideo(recording);
  const sensorStreams = recording.streams.filter((s) => s.kind === 'sensor');
  const sensors = await Promise.all(sensorStreams.map(async (s) => viewSensor(s, await loadSeries(db, s.id), await getStreamAlignment(db, s.id))));
  const skeleton = recording.streams.find((s) => s.kind === 'skeleton');
  return {
    recording,
    alignment: await getAlignment(db, recordingId),
    video: video && (await viewVideo(video)),
    sensors,
    skeleton: skeleton
      ? {
          streamId: skeleton.id,
          joints: numberMeta(skeleton, 'joints') ?? 0,
          frames: skeleton.length,
          rate: skeleton.rate,
          projection: projectionOf(recording),
        }
      : null,
  };
}

/** The sensor stream a view method works on: the asked one (of this recording), else the first with three channels. */
function pickSensor(recording: RecordingSummary, sensorStreamId: number | undefined): StreamSummary {
  const sensors = recording.streams.filter((s) => s.kind === 'sensor');
  if (sensorStreamId === undefined) {
    const accel = sensors.find((s) => s.channels.length >= 3);
    if (!accel) throw new StudioError('NOT_FOUND', `${recording.name} has no sensor stream with three accelerometer channels`, { field: 'sensorStreamId' });
    return accel;
  }
  const asked = sensors.find((s) => s.id === sensorStreamId);
  if (!asked) throw new StudioError('NOT_FOUND', `${recording.name} has no sensor stream ${sensorStreamId}`, { field: 'sensorStreamId' });
  return asked;
}

/** Auto-sync of the recording's video motion against the first three channels of its sensor stream (not stored). */
export async function autoSyncRecording(db: Queryable, recordingId: number, opts: { sensorStreamId?: number; maxOffset?: number }): Promise<AutoSyncResult> {
  const recording = await getRecording(db, recordingId);
  const video = playableVideo(recording);
  if (!video)
    throw new StudioError('NOT_FOUND', `${recording.name} has no video: auto-sync matches a video's motion to the sensor; align it by anchors or by hand`, {
      field: 'recordingId',
    });
  const sensor = pickSensor(recording, opts.sensorStreamId);
  if (sensor.channels.length < 3)
    throw new StudioError('INVALID_ARGUMENT', `sensor stream ${sensor.id} has ${sensor.channels.length} channels; auto-sync needs x, y, z`, {
      field: 'sensorStreamId',
    });
  const series = await loadSeries(db, sensor.id);
  const accel = new Float64Array(series.rows * 3);
  for (let r = 0; r < series.rows; r++) for (let c = 0; c < 3; c++) accel[r * 3 + c] = series.data[r * series.cols + c];
  // irregular samples go onto the stream's nominal rate first; the grid starts at the first sample
  const uniform = series.times ? resampleUniform(series.times, accel, 3, series.rate).data : accel;
  const motion = await videoMotion(video.meta.path as string, video.rate);
  return autoSync({
    motion: motion.motion,
    motionRate: motion.rate,
    motionStart: motion.start,
    accel: uniform,
    accelRate: series.rate,
    accelStart: series.times?.[0] ?? 0,
    maxOffset: opts.maxOffset,
  });
}

/** UTD-MHAD's documented joint order (Skeleton_joint_order.txt), for a skeleton imported without that file. */
const UTD_JOINTS = [
  'head',
  'shoulder_center',
  'spine',
  'hip_center',
  'left_shoulder',
  'left_elbow',
  'left_wrist',
  'left_hand',
  'right_shoulder',
  'right_elbow',
  'right_wrist',
  'right_hand',
  'left_hip',
  'left_knee',
  'left_ankle',
  'left_foot',
  'right_hip',
  'right_knee',
  'right_ankle',
  'right_foot',
];

/** The body's bones by joint name; a skeleton lacking a joint (the demo has no hands) skips its bones. */
const BONES: readonly [string, string][] = [
  ['head', 'shoulder_center'],
  ['shoulder_center', 'spine'],
  ['spine', 'hip_center'],
  ...(['left', 'right'] as const).flatMap((side): [string, string][] => [
    ['shoulder_center', `${side}_shoulder`],
    [`${side}_shoulder`, `${side}_elbow`],
    [`${side}_elbow`, `${side}_wrist`],
    [`${side}_wrist`, `${side}_hand`],
    ['hip_center', `${side}_hip`],
    [`${side}_hip`, `${side}_knee`],
    [`${side}_knee`, `${side}_ankle`],
    [`${side}_ankle`, `${side}_foot`],
  ]),
];

export interface SkeletonFrames {
  streamId: number;
  joints: number;
  frames: number;
  rate: number;
  jointNames: string[];
  bones: [number, number][];
  /** hip-centred: each frame's hip_center subtracted, so only the pose is left */
  centred: boolean;
  projection: SkeletonProjection;
  /** F × J × 3, row-major */
  data: Float32Array;
}

export async function skeletonFrames(db: Queryable, recordingId: number, centred: boolean): Promise<SkeletonFrames> {
  const recording = await getRecording(db, recordingId);
  const stream = recording.streams.find((s) => s.kind === 'skeleton');
  if (!stream) throw new StudioError('NOT_FOUND', `${recording.name} has no skeleton stream`, { field: 'recordingId' });
  const path = await streamSourcePath(db, stream.id);
  if (!path) throw new StudioError('NOT_FOUND', `skeleton stream ${stream.id} has no source file`, { field: 'recordingId' });
  const skeleton = await readSkeleton(path);
  const stored = stream.meta.jointNames;
  const jointNames =
    Array.isArray(stored) && stored.length === skeleton.joints
      ? stored.map(String)
      : skeleton.joints === UTD_JOINTS.length
        ? UTD_JOINTS
        : Array.from({ length: skeleton.joints }, (_, j) => `joint ${j + 1}`);
  const index = new Map(jointNames.map((name, j) => [name, j]));
  const bones = BONES.flatMap(([a, b]): [number, number][] => (index.has(a) && index.has(b) ? [[index.get(a)!, index.get(b)!]] : []));
  const hip = index.get('hip_center');
  if (centred && hip === undefined)
    throw new StudioError('INVALID_ARGUMENT', `skeleton stream ${stream.id} has no hip_center joint to centre on`, { field: 'centre' });
  return {
    streamId: stream.id,
    joints: skeleton.joints,
    frames: skeleton.frames,
    rate: stream.rate,
    jointNames,
    bones,
    centred,
    // a hip-centred pose has left the camera's space
    projection: centred ? null : projectionOf(recording),
    data: centred ? centreSkeleton(skeleton.data, skeleton.joints, hip!) : skeleton.data,
  };
}
