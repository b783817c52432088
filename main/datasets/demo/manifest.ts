/**
 * demo.json: what a generated demo dataset holds, and the ground truth its tests check against
 * (each recording's true clock offset and drift, and when its actions happen). Clips (one action
 * each, for classification) are `recordings`; long sessions (several actions with rests between,
 * long enough for the clock drift to show) are `sessions`. Each recording's skeleton file holds the
 * figure's joints per video frame (in `skeleton.jointNames` order); datasets made before it existed
 * have none.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { badInput, clipText, StudioError } from '../../shared/errors.ts';

export const DEMO_MANIFEST = 'demo.json';
export const DEMO_FORMAT = 'vskd-demo';

export interface DemoRecordingEntry {
  name: string;
  label: string;
  subject: string;
  /** 1-based take of this label by this generator run */
  clip: number;
  /** paths relative to the dataset folder */
  video: string;
  sensor: string;
  /** d_skel: joints × 3 × frames; absent in datasets made before skeletons existed */
  skeleton?: string;
  frames: number;
  /** the true clock relation: sensor_time = video_time × (1 + drift) + offset */
  offset: number;
  drift: number;
  /** when the action blends in and out, in seconds of video time */
  action: { start: number; end: number };
  /** how far the sensor's axes are turned about x from the world's (radians): y' = y cos, z' = −y sin; absent in datasets made before */
  sensorTilt?: number;
  /** the camera's pixels per metre */
  pixelsPerMetre: number;
}

/** One action of a session, in seconds of video time: it blends in from `start` and out until `end`. */
export interface DemoSegment {
  label: string;
  start: number;
  end: number;
}

export interface DemoSessionEntry {
  name: string;
  subject: string;
  /** 1-based number of the session in this generator run */
  session: number;
  /** paths relative to the dataset folder */
  video: string;
  sensor: string;
  /** d_skel: joints × 3 × frames; absent in datasets made before skeletons existed */
  skeleton?: string;
  /** the session's own frame size: smaller than the clips', which keeps generation quick */
  width: number;
  height: number;
  frames: number;
  /** the true clock relation: sensor_time = video_time × (1 + drift) + offset */
  offset: number;
  drift: number;
  /** the actions in time order; the figure rests between them */
  segments: DemoSegment[];
  /** how far the sensor's axes are turned about x from the world's (radians); absent in datasets made before */
  sensorTilt?: number;
  /** the segments as an annotation CSV (path relative to the dataset folder); absent in datasets made before */
  annotations?: string;
  /** the camera's pixels per metre */
  pixelsPerMetre: number;
}

export interface DemoManifest {
  format: typeof DEMO_FORMAT;
  version: 1;
  seed: number;
  seconds: number;
  perClass: number;
  classes: { name: string; description: string }[];
  video: { width: number; height: number; fps: number; codec: 'h264' };
  sensor: {
    rate: number;
    placement: string;
    /** what x, y and z mean */
    axes: string;
    unit: 'g';
    noise: number;
  };
  /** what the recordings' skeleton files hold; absent in datasets made before skeletons existed */
  skeleton?: {
    /** the joints' names, in d_skel's order */
    jointNames: string[];
    /** what x, y and z mean */
    axes: string;
    unit: 'm';
    /** standard deviation of the Gaussian noise on each coordinate, in metres */
    noise: number;
  };
  clock: string;
  /** the clips' action segments as an annotation CSV (path relative to the dataset folder); absent in datasets made before */
  annotations?: string;
  recordings: DemoRecordingEntry[];
  /** absent in datasets made before sessions existed: read as none */
  sessions: DemoSessionEntry[];
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** Whether `rel` names a file inside the dataset folder: relative, and never climbing out of it with `..`. */
export function staysInside(rel: string): boolean {
  const path = normalize(rel);
  return !isAbsolute(path) && path !== '..' && !path.startsWith(`..${sep}`) && !path.includes('\0');
}

/** Reads and checks demo.json in `dir`: NOT_FOUND without one, BAD_INPUT naming the field at fault. */
export async function readDemoManifest(dir: string): Promise<DemoManifest> {
  const file = join(dir, DEMO_MANIFEST);
  const text = await readFile(file, 'utf8').catch(() => {
    throw new StudioError('NOT_FOUND', `${file}: missing: a demo dataset folder has ${DEMO_MANIFEST} (make one with vskd demo-data)`, { file });
  });
  let json: Partial<DemoManifest>;
  try {
    json = JSON.parse(text) as Partial<DemoManifest>;
  } catch (err) {
    throw badInput(file, `not valid JSON (${clipText((err as Error).message, 120)})`);
  }
  if (json.format !== DEMO_FORMAT) throw badInput(file, `format is ${JSON.stringify(json.format)}, expected "${DEMO_FORMAT}"`, { field: 'format' });
  if (json.version !== 1) throw badInput(file, `version ${JSON.stringify(json.version)} is not one this studio reads (1)`, { field: 'version' });
  if (!isNumber(json.sensor?.rate) || json.sensor.rate <= 0) throw badInput(file, 'sensor.rate must be a positive number', { field: 'sensor.rate' });
  if (!Array.isArray(json.classes)) throw badInput(file, 'classes must be a list', { field: 'classes' });
  if (json.skeleton !== undefined) {
    if (!Array.isArray(json.skeleton?.jointNames) || json.skeleton.jointNames.length === 0 || !json.skeleton.jointNames.every(isText)) {
      throw badInput(file, 'skeleton.jointNames must be a list of names', { field: 'skeleton.jointNames' });
    }
  }
  // a skeleton file needs the joint names to make sense of it
  const checkSkeleton = (r: { skeleton?: unknown }, at: string) => {
    if (r.skeleton === undefined) return;
    if (!isText(r.skeleton)) throw badInput(file, `${at}.skeleton must be a non-empty string`, { field: `${at}.skeleton` });
    if (!json.skeleton) throw badInput(file, `${at}.skeleton is given but skeleton (its joint names) is not`, { field: 'skeleton' });
    checkInside(r.skeleton, `${at}.skeleton`);
  };
  // what the import checks each video against
  const checkFrames = (r: { frames?: unknown }, at: string) => {
    if (!Number.isInteger(r.frames) || (r.frames as number) < 1)
      throw badInput(file, `${at}.frames must be a positive whole number`, { field: `${at}.frames` });
  };
  // files are read only from inside the dataset's folder (the importer also checks where symlinks lead)
  const checkInside = (rel: string, field: string) => {
    if (!staysInside(rel)) throw badInput(file, `${field} (${JSON.stringify(rel)}) is not a path inside the dataset folder`, { field });
  };
  // the annotation CSVs are read only from inside the folder too
  const checkAnnotations = (value: unknown, field: string) => {
    if (value === undefined) return;
    if (!isText(value)) throw badInput(file, `${field} must be a non-empty string`, { field });
    checkInside(value, field);
  };
  checkAnnotations(json.annotations, 'annotations');
  if (!Array.isArray(json.recordings)) throw badInput(file, 'recordings must be a list', { field: 'recordings' });
  json.recordings.forEach((r: Partial<DemoRecordingEntry>, i) => {
    for (const key of ['name', 'label', 'subject', 'video', 'sensor'] as const) {
      if (!isText(r[key])) throw badInput(file, `recordings[${i}].${key} must be a non-empty string`, { field: `recordings[${i}].${key}` });
    }
    checkFrames(r, `recordings[${i}]`);
    checkInside(r.video!, `recordings[${i}].video`);
    checkInside(r.sensor!, `recordings[${i}].sensor`);
    if (!isNumber(r.clip)) throw badInput(file, `recordings[${i}].clip must be a number`, { field: `recordings[${i}].clip` });
    checkSkeleton(r, `recordings[${i}]`);
  });
  const sessions = json.sessions ?? [];
  if (!Array.isArray(sessions)) throw badInput(file, 'sessions must be a list', { field: 'sessions' });
  sessions.forEach((r: Partial<DemoSessionEntry>, i) => {
    for (const key of ['name', 'subject', 'video', 'sensor'] as const) {
      if (!isText(r[key])) throw badInput(file, `sessions[${i}].${key} must be a non-empty string`, { field: `sessions[${i}].${key}` });
    }
    checkFrames(r, `sessions[${i}]`);
    checkInside(r.video!, `sessions[${i}].video`);
    checkInside(r.sensor!, `sessions[${i}].sensor`);
    if (!Array.isArray(r.segments)) throw badInput(file, `sessions[${i}].segments must be a list`, { field: `sessions[${i}].segments` });
    checkAnnotations(r.annotations, `sessions[${i}].annotations`);
    checkSkeleton(r, `sessions[${i}]`);
  });
  return { ...json, sessions } as DemoManifest;
}
