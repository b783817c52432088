/**
 * Writes the demo dataset: per recording an H.264 video of the stick figure, a CSV of its
 * right-wrist accelerometer on a clock of its own and a MAT-file of its joints per video frame
 * (a body-pose stream like UTD-MHAD's Kinect skeletons), then demo.json with the ground truth.
 * Recordings are short clips of one action each, and long sessions of several actions with
 * rests between, where the sensor clock's drift adds up to enough to measure. The ground-truth
 * segments are also written as annotation CSVs (annotations/), which `vskd annotations import`
 * reads: the clips' in one file, each session's in its own, so that a session imported from its
 * plain files (video + CSV) gets its segments the way a user's own recording would.
 * Everything follows from the seed; demo.json is written last, so its presence means complete.
 */
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { StudioError } from '../../shared/errors.ts';
import { mapPool } from '../../files/pool.ts';
import { encodeVideo } from '../../media/ffmpeg.ts';
import { deriveSeed, mulberry32, randomUniform } from '../../random.ts';
import { skeletonFrames, skeletonMat, SKELETON_JOINT_NAMES } from './bodyPose.ts';
import { accelerometerCsv, synthesizeAccelerometer, type AccelerometerOptions, type ClockRelation } from './accelerometer.ts';
import { makeView, renderBackground, renderPose, type View } from './figure.ts';
import { DEMO_FORMAT, DEMO_MANIFEST, type DemoManifest, type DemoRecordingEntry, type DemoSessionEntry } from './manifest.ts';
import {
  DEMO_CLASS_DESCRIPTIONS,
  DEMO_CLASSES,
  makeBody,
  makeMotion,
  makeSessionMotion,
  MIN_SESSION_SECONDS,
  poseAt,
  type Body,
  type DemoClass,
  type Motion,
} from './skeleton.ts';

export interface DemoOptions {
  seed?: number;
  /** recordings per class */
  perClass?: number;
  /** length of each video */
  seconds?: number;
  classes?: readonly DemoClass[];
  /** distinct bodies the clips cycle through */
  subjects?: number;
  width?: number;
  height?: number;
  fps?: number;
  sensorRate?: number;
  /** accelerometer noise, g per axis */
  noise?: number;
  /** skeleton noise, metres per coordinate */
  skeletonNoise?: number;
  /** the offset is drawn uniformly from [-maxOffset, maxOffset] seconds */
  maxOffset?: number;
  /** the clips' drift is drawn uniformly from [-maxDrift, maxDrift] (sessions: see SESSION_DRIFT) */
  maxDrift?: number;
  /** how many sessions (0 = none) */
  sessions?: number;
  /** length of each session (0 = none) */
  sessionSeconds?: number;
  /** the sessions' frame size */
  sessionWidth?: number;
  sessionHeight?: number;
  /** videos encoded at once */
  concurrency?: number;
  onProgress?: (done: number, total: number, name: string) => void;
}

export const DEMO_DEFAULTS = {
  seed: 1,
  // enough clips and subjects for a cross-subject split to learn from (odd subjects train, even test),
  // small and short enough to be generated in seconds
  perClass: 40,
  seconds: 3,
  classes: DEMO_CLASSES,
  subjects: 16,
  width: 128,
  height: 96,
  fps: 30,
  sensorRate: 50,
  noise: 0.02,
  skeletonNoise: 0.01,
  maxOffset: 2,
  maxDrift: 200e-6,
  sessions: 1,
  sessionSeconds: 180,
  sessionWidth: 160,
  sessionHeight: 120,
  concurrency: 2,
} satisfies Required<Omit<DemoOptions, 'onProgress'>>;

/**
 * How long the sensor records before the video starts and after it ends. A session's sensor runs a
 * second either side, as a worn logger started by hand does, so it must be aligned before its
 * segments can be cut. A clip is cut out of such a recording with its video: its sensor starts and
 * ends with it, so the identity clock model (sensor time from the stream's first sample) holds to a
 * sample period, and a segment dataset cuts each clip's action where it is without auto-sync, which
 * a clip of standing still gives no motion to work from.
 */
const SESSION_SENSOR_MARGIN_S = 1;
const CLIP_SENSOR_MARGIN_S = 0;
/**
 * A session's |drift| is drawn uniformly from this range, its sign at random: at least 100 ppm,
 * so that an alignment that ignores the drift misses it by more than the accuracy asked of one.
 */
export const SESSION_DRIFT = [100e-6, 300e-6] as const;

/** Everything about one recording that follows from the seed, before any file is written. */
interface RecordingPlan {
  name: string;
  subject: string;
  motion: Motion;
  view: View;
  clock: ClockRelation;
  /** seeds the accelerometer noise */
  noiseSeed: number;
  /** seeds the skeleton noise */
  skeletonSeed: number;
  /** the subject's strap: how far the sensor is rolled about the forearm (radians) */
  tilt: number;
}

export interface DemoPlan extends RecordingPlan {
  label: DemoClass;
  clip: number;
}

export interface SessionPlan extends RecordingPlan {
  session: number;
}

type Settings = Required<Omit<DemoOptions, 'onProgress'>>;

function settingsOf(opts: DemoOptions): Settings {
  const s = { ...DEMO_DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([k, v]) => v !== undefined && k !== 'onProgress')) } as Settings;
  const whole = (field: keyof Settings, min: number) => {
    const v = s[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
      throw new StudioError('INVALID_ARGUMENT', `${field} must be a whole number ≥ ${min}, got ${String(v)}`, { field });
  };
  whole('perClass', 1);
  whole('subjects', 1);
  whole('width', 16);
  whole('height', 16);
  whole('sessions', 0);
  whole('sessionWidth', 16);
  whole('sessionHeight', 16);
  whole('concurrency', 1);
  whole('seed', 0);
  for (const field of ['seconds', 'fps', 'sensorRate'] as const) {
    if (!(s[field] > 0)) throw new StudioError('INVALID_ARGUMENT', `${field} must be a positive number, got ${String(s[field])}`, { field });
  }
  for (const field of ['noise', 'skeletonNoise', 'maxOffset', 'maxDrift'] as const) {
    if (!(s[field] >= 0)) throw new StudioError('INVALID_ARGUMENT', `${field} must be a number ≥ 0, got ${String(s[field])}`, { field });
  }
  if (!(s.sessionSeconds === 0 || s.sessionSeconds >= MIN_SESSION_SECONDS)) {
    throw new StudioError('INVALID_ARGUMENT', `sessionSeconds must be 0 (no sessions) or at least ${MIN_SESSION_SECONDS}, got ${String(s.sessionSeconds)}`, {
      field: 'sessionSeconds',
    });
  }
  if (s.classes.length === 0) throw new StudioError('INVALID_ARGUMENT', 'classes: at least one class is needed', { field: 'classes' });
  const unknown = s.classes.filter((c) => !(DEMO_CLASSES as readonly string[]).includes(c));
  if (unknown.length)
    throw new StudioError('INVALID_ARGUMENT', `classes: unknown ${unknown.join(', ')} (known: ${DEMO_CLASSES.join(', ')})`, { field: 'classes' });
  return s;
}

function bodiesOf(s: Settings): Body[] {
  return Array.from({ length: s.subjects }, (_, k) => makeBody(mulberry32(deriveSeed(s.seed, `subject:${k + 1}`))));
}

/** A sensor strapped on rolled 15–45° about the forearm, either way: a subject's own habit (its own seed, so the bodies stay as they were). */
const STRAP_TILT_DEG = [15, 45] as const;
function strapTilt(s: Settings, subject: number): number {
  const rng = mulberry32(deriveSeed(s.seed, `strap:${subject}`));
  return ((randomUniform(rng, ...STRAP_TILT_DEG) * Math.PI) / 180) * (rng() < 0.5 ? -1 : 1);
}

/** The clips the options describe: same seed and options, same plans. */
export function planDemo(opts: DemoOptions = {}): DemoPlan[] {
  const s = settingsOf(opts);
  const bodies = bodiesOf(s);
  return s.classes.flatMap((label) =>
    Array.from({ length: s.perClass }, (_, i) => {
      const clip = i + 1;
      const subject = (i % s.subjects) + 1;
      const rng = mulberry32(deriveSeed(s.seed, `${label}:${clip}`));
      return {
        name: `${label}_s${subject}_c${clip}`,
        label,
        subject: `s${subject}`,
        clip,
        motion: makeMotion(label, bodies[subject - 1], s.seconds, rng),
        view: makeView(s.width, s.height, rng),
        clock: { offset: randomUniform(rng, -s.maxOffset, s.maxOffset), drift: randomUniform(rng, -s.maxDrift, s.maxDrift) },
        noiseSeed: deriveSeed(s.seed, `noise:${label}:${clip}`),
        skeletonSeed: deriveSeed(s.seed, `skeleton:${label}:${clip}`),
        tilt: strapTilt(s, subject),
      };
    }),
  );
}

/** The sessions the options describe, each with its own seeds: adding clips or sessions leaves the others as they were. */
export function planSessions(opts: DemoOptions = {}): SessionPlan[] {
  const s = settingsOf(opts);
  if (s.sessionSeconds === 0) return [];
  const bodies = bodiesOf(s);
  return Array.from({ length: s.sessions }, (_, i) => {
    const session = i + 1;
    const subject = (i % s.subjects) + 1;
    const rng = mulberry32(deriveSeed(s.seed, `session:${session}`));
    const motion = makeSessionMotion(s.classes, bodies[subject - 1], s.sessionSeconds, rng);
    const view = makeView(s.sessionWidth, s.sessionHeight, rng);
    const offset = randomUniform(rng, -s.maxOffset, s.maxOffset);
    const drift = randomUniform(rng, ...SESSION_DRIFT) * (rng() < 0.5 ? -1 : 1);
    return {
      name: `session${session}_s${subject}`,
      subject: `s${subject}`,
      session,
      motion,
      view,
      clock: { offset, drift },
      noiseSeed: deriveSeed(s.seed, `noise:session:${session}`),
      skeletonSeed: deriveSeed(s.seed, `skeleton:session:${session}`),
      tilt: strapTilt(s, subject),
    };
  });
}

async function writeAtomically(path: string, content: string | Buffer): Promise<void> {
  await writeFile(`${path}.partial`, content);
  await rename(`${path}.partial`, path);
}

/** Renders and encodes the plan's video, then writes its accelerometer and skeleton; returns the frame count. */
async function writeMedia(
  plan: RecordingPlan,
  paths: RecordingPaths,
  seconds: number,
  margin: number,
  s: Settings,
  dir: string,
  signal: AbortSignal,
): Promise<number> {
  const frames = Math.round(seconds * s.fps);
  const { view, motion } = plan;
  const background = renderBackground(view);
  await encodeVideo(
    join(dir, paths.video),
    { width: view.width, height: view.height, fps: s.fps, pixFmt: 'rgb24', codec: 'h264' },
    async (write) => {
      for (let i = 0; i < frames; i++) await write(renderPose(poseAt(motion, i / s.fps), view, background, motion.body.headRadius));
    },
    { signal },
  );
  const accelerometer: AccelerometerOptions = { rate: s.sensorRate, noise: s.noise, margin, tilt: plan.tilt };
  const trace = synthesizeAccelerometer(motion, plan.clock, seconds, accelerometer, mulberry32(plan.noiseSeed));
  await writeAtomically(join(dir, paths.sensor), accelerometerCsv(trace));
  // at the video's frame times, so that frame i of the skeleton is frame i of the video
  await writeAtomically(join(dir, paths.skeleton), skeletonMat(skeletonFrames(motion, frames, s.fps, s.skeletonNoise, mulberry32(plan.skeletonSeed))));
  return frames;
}

interface RecordingPaths {
  video: string;
  sensor: string;
  skeleton: string;
}

const pathsOf = (name: string): RecordingPaths => ({ video: `videos/${name}.mp4`, sensor: `sensors/${name}.csv`, skeleton: `skeletons/${name}_skeleton.mat` });

/** The clips' segments, and each session's, as annotation CSVs: paths relative to the dataset folder. */
const CLIP_ANNOTATIONS = 'annotations/clips.csv';
const sessionAnnotationsOf = (name: string) => `annotations/${name}.csv`;

/**
 * Segments in the columns the annotation importer reads (main/annotations/csv.ts): times on the video
 * clock, which is the one the ground truth is on (the sensor's would need each stream's first sample).
 */
export function segmentsCsv(rows: { recording: string; label: string; start: number; end: number }[]): string {
  const lines = ['recording,start,end,label,time_base', ...rows.map((r) => `${r.recording},${r.start},${r.end},${r.label},video`)];
  return `${lines.join('\n')}\n`;
}

async function writeClip(plan: DemoPlan, s: Settings, dir: string, signal: AbortSignal): Promise<DemoRecordingEntry> {
  const paths = pathsOf(plan.name);
  const frames = await writeMedia(plan, paths, s.seconds, CLIP_SENSOR_MARGIN_S, s, dir, signal);
  const [segment] = plan.motion.segments;
  return {
    name: plan.name,
    label: plan.label,
    subject: plan.subject,
    clip: plan.clip,
    ...paths,
    frames,
    offset: plan.clock.offset,
    drift: plan.clock.drift,
    action: { start: segment.start, end: segment.end },
    sensorTilt: plan.tilt,
    pixelsPerMetre: plan.view.scale,
  };
}

async function writeSession(plan: SessionPlan, s: Settings, dir: string, signal: AbortSignal): Promise<DemoSessionEntry> {
  const paths = pathsOf(plan.name);
  const frames = await writeMedia(plan, paths, s.sessionSeconds, SESSION_SENSOR_MARGIN_S, s, dir, signal);
  const segments = plan.motion.segments.map(({ action, start, end }) => ({ label: action, start, end }));
  const annotations = sessionAnnotationsOf(plan.name);
  await writeAtomically(join(dir, annotations), segmentsCsv(segments.map((g) => ({ recording: plan.name, ...g }))));
  return {
    name: plan.name,
    subject: plan.subject,
    session: plan.session,
    ...paths,
    width: plan.view.width,
    height: plan.view.height,
    frames,
    offset: plan.clock.offset,
    drift: plan.clock.drift,
    segments,
    annotations,
    sensorTilt: plan.tilt,
    pixelsPerMetre: plan.view.scale,
  };
}

/**
 * Generates the dataset into `out` (created when missing). Refuses a folder that already holds
 * one, so a finished dataset is never overwritten by accident.
 */
export async function generateDemo(outArg: string, opts: DemoOptions = {}): Promise<DemoManifest> {
  const s = settingsOf(opts);
  const dir = resolve(outArg);
  const manifestPath = join(dir, DEMO_MANIFEST);
  if (
    await stat(manifestPath).then(
      () => true,
      () => false,
    )
  ) {
    throw new StudioError('CONFLICT', `${manifestPath}: a demo dataset is already there; remove it or choose another folder`, { file: manifestPath });
  }
  await mkdir(join(dir, 'videos'), { recursive: true });
  await mkdir(join(dir, 'sensors'), { recursive: true });
  await mkdir(join(dir, 'skeletons'), { recursive: true });
  await mkdir(join(dir, 'annotations'), { recursive: true });
  const clips = planDemo(s);
  const sessions = planSessions(s);
  // the sessions, the longest jobs, go first, so that the clips fill the other workers around them
  const jobs = [
    ...sessions.map((plan) => ({ name: plan.name, write: (signal: AbortSignal) => writeSession(plan, s, dir, signal) })),
    ...clips.map((plan) => ({ name: plan.name, write: (signal: AbortSignal) => writeClip(plan, s, dir, signal) })),
  ];
  // after a failure, the recordings still queued are not started and the ones encoding are stopped
  const stop = new AbortController();
  let done = 0;
  const entries = await mapPool(jobs, s.concurrency, async (job) => {
    if (stop.signal.aborted) throw new StudioError('CANCELLED', `${job.name}: not generated after an earlier failure`);
    try {
      const entry = await job.write(stop.signal);
      opts.onProgress?.(++done, jobs.length, job.name);
      return entry;
    } catch (err) {
      stop.abort();
      throw err;
    }
  });
  // mapPool keeps the jobs' order: the sessions, then the clips
  const recordings = entries.slice(sessions.length) as DemoRecordingEntry[];
  await writeAtomically(join(dir, CLIP_ANNOTATIONS), segmentsCsv(recordings.map((r) => ({ recording: r.name, label: r.label, ...r.action }))));
  const manifest: DemoManifest = {
    format: DEMO_FORMAT,
    version: 1,
    seed: s.seed,
    seconds: s.seconds,
    perClass: s.perClass,
    classes: s.classes.map((name) => ({ name, description: DEMO_CLASS_DESCRIPTIONS[name] })),
    video: { width: s.width, height: s.height, fps: s.fps, codec: 'h264' },
    sensor: {
      rate: s.sensorRate,
      placement: 'right wrist',
      axes: "world (x to the image right, y up, z toward the camera) turned about x by each recording's sensorTilt: the subject's strap",
      unit: 'g',
      noise: s.noise,
    },
    skeleton: {
      jointNames: [...SKELETON_JOINT_NAMES],
      axes: 'world, as the sensor: x to the image right, y up, z toward the camera',
      unit: 'm',
      noise: s.skeletonNoise,
    },
    clock: 'sensor_time = video_time * (1 + drift) + offset',
    annotations: CLIP_ANNOTATIONS,
    recordings,
    sessions: entries.slice(0, sessions.length) as DemoSessionEntry[],
  };
  await writeAtomically(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
