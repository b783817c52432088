/**
 * Writes the demo dataset: per recording an H.264 video of the stick figure and a CSV of its
 * right-wrist accelerometer on a clock of its own, then demo.json with the ground truth.
 * Everything follows from the seed; demo.json is written last, so its presence means complete.
 */
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { StudioError } from '../../errors.ts';
import { mapPool } from '../../files/pool.ts';
import { encodeVideo } from '../../media/ffmpeg.ts';
import { accelerometerCsv, synthesizeAccelerometer, type AccelerometerOptions, type ClockRelation } from './accelerometer.ts';
import { makeView, renderBackground, renderPose, type View } from './figure.ts';
import { DEMO_FORMAT, DEMO_MANIFEST, type DemoManifest, type DemoRecordingEntry } from './manifest.ts';
import { createRng, deriveSeed } from './random.ts';
import { DEMO_CLASS_DESCRIPTIONS, DEMO_CLASSES, makeBody, makeMotion, poseAt, type Body, type DemoClass, type Motion } from './skeleton.ts';

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
  /** the offset is drawn uniformly from [-maxOffset, maxOffset] seconds */
  maxOffset?: number;
  /** the drift is drawn uniformly from [-maxDrift, maxDrift] */
  maxDrift?: number;
  /** videos encoded at once */
  concurrency?: number;
  onProgress?: (done: number, total: number, name: string) => void;
}

export const DEMO_DEFAULTS = {
  seed: 1,
  perClass: 6,
  seconds: 4,
  classes: DEMO_CLASSES,
  subjects: 4,
  width: 320,
  height: 240,
  fps: 30,
  sensorRate: 50,
  noise: 0.02,
  maxOffset: 2,
  maxDrift: 200e-6,
  concurrency: 2,
} satisfies Required<Omit<DemoOptions, 'onProgress'>>;

/** the sensor records this long before the video starts and after it ends */
const SENSOR_MARGIN_S = 1;

/** Everything about one recording that follows from the seed, before any file is written. */
export interface DemoPlan {
  name: string;
  label: DemoClass;
  subject: string;
  clip: number;
  motion: Motion;
  view: View;
  clock: ClockRelation;
  /** seeds the accelerometer noise */
  noiseSeed: number;
}

type Settings = Required<Omit<DemoOptions, 'onProgress'>>;

function settingsOf(opts: DemoOptions): Settings {
  const s = { ...DEMO_DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([k, v]) => v !== undefined && k !== 'onProgress')) } as Settings;
  const whole = (field: keyof Settings, min: number) => {
    const v = s[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new StudioError('INVALID_ARGUMENT', `${field} must be a whole number ≥ ${min}, got ${String(v)}`, { field });
  };
  whole('perClass', 1);
  whole('subjects', 1);
  whole('width', 16);
  whole('height', 16);
  whole('concurrency', 1);
  whole('seed', 0);
  for (const field of ['seconds', 'fps', 'sensorRate'] as const) {
    if (!(s[field] > 0)) throw new StudioError('INVALID_ARGUMENT', `${field} must be a positive number, got ${String(s[field])}`, { field });
  }
  for (const field of ['noise', 'maxOffset', 'maxDrift'] as const) {
    if (!(s[field] >= 0)) throw new StudioError('INVALID_ARGUMENT', `${field} must be a number ≥ 0, got ${String(s[field])}`, { field });
  }
  if (s.classes.length === 0) throw new StudioError('INVALID_ARGUMENT', 'classes: at least one class is needed', { field: 'classes' });
  const unknown = s.classes.filter((c) => !(DEMO_CLASSES as readonly string[]).includes(c));
  if (unknown.length) throw new StudioError('INVALID_ARGUMENT', `classes: unknown ${unknown.join(', ')} (known: ${DEMO_CLASSES.join(', ')})`, { field: 'classes' });
  return s;
}

/** The recordings the options describe: same seed and options, same plans. */
export function planDemo(opts: DemoOptions = {}): DemoPlan[] {
  const s = settingsOf(opts);
  const bodies: Body[] = Array.from({ length: s.subjects }, (_, k) => makeBody(createRng(deriveSeed(s.seed, `subject:${k + 1}`))));
  return s.classes.flatMap((label) =>
    Array.from({ length: s.perClass }, (_, i) => {
      const clip = i + 1;
      const subject = (i % s.subjects) + 1;
      const rng = createRng(deriveSeed(s.seed, `${label}:${clip}`));
      return {
        name: `${label}_s${subject}_c${clip}`,
        label,
        subject: `s${subject}`,
        clip,
        motion: makeMotion(label, bodies[subject - 1], s.seconds, rng),
        view: makeView(s.width, s.height, rng),
        clock: { offset: rng.uniform(-s.maxOffset, s.maxOffset), drift: rng.uniform(-s.maxDrift, s.maxDrift) },
        noiseSeed: deriveSeed(s.seed, `noise:${label}:${clip}`),
      };
    }),
  );
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await writeFile(`${path}.partial`, text);
  await rename(`${path}.partial`, path);
}

async function writeRecording(plan: DemoPlan, s: Settings, dir: string, signal: AbortSignal): Promise<DemoRecordingEntry> {
  const video = `videos/${plan.name}.mp4`;
  const sensor = `sensors/${plan.name}.csv`;
  const frames = Math.round(s.seconds * s.fps);
  const background = renderBackground(plan.view);
  await encodeVideo(
    join(dir, video),
    { width: s.width, height: s.height, fps: s.fps, pixFmt: 'rgb24', codec: 'h264' },
    async (write) => {
      for (let i = 0; i < frames; i++) await write(renderPose(poseAt(plan.motion, i / s.fps), plan.view, background, plan.motion.body.headRadius));
    },
    { signal },
  );
  const accelerometer: AccelerometerOptions = { rate: s.sensorRate, noise: s.noise, margin: SENSOR_MARGIN_S };
  const trace = synthesizeAccelerometer(plan.motion, plan.clock, s.seconds, accelerometer, createRng(plan.noiseSeed));
  await writeAtomically(join(dir, sensor), accelerometerCsv(trace));
  return {
    name: plan.name,
    label: plan.label,
    subject: plan.subject,
    clip: plan.clip,
    video,
    sensor,
    frames,
    offset: plan.clock.offset,
    drift: plan.clock.drift,
    action: { start: plan.motion.start, end: plan.motion.end },
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
  if (await stat(manifestPath).then(() => true, () => false)) {
    throw new StudioError('CONFLICT', `${manifestPath}: a demo dataset is already there; remove it or choose another folder`, { file: manifestPath });
  }
  await mkdir(join(dir, 'videos'), { recursive: true });
  await mkdir(join(dir, 'sensors'), { recursive: true });
  const plans = planDemo(s);
  // after a failure, the clips still queued are not started and the ones encoding are stopped
  const stop = new AbortController();
  let done = 0;
  const recordings = await mapPool(plans, s.concurrency, async (plan) => {
    if (stop.signal.aborted) throw new StudioError('CANCELLED', `${plan.name}: not generated after an earlier failure`);
    try {
      const entry = await writeRecording(plan, s, dir, stop.signal);
      opts.onProgress?.(++done, plans.length, plan.name);
      return entry;
    } catch (err) {
      stop.abort();
      throw err;
    }
  });
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
      axes: 'world: x to the image right, y up, z toward the camera',
      unit: 'g',
      noise: s.noise,
    },
    clock: 'sensor_time = video_time * (1 + drift) + offset',
    recordings,
  };
  await writeAtomically(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
