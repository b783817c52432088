/**
 * UTD-MHAD as recordings: one per sequence a{action}_s{subject}_t{trial}, with the inertial
 * samples stored and the depth and skeleton files referenced (their frame counts read from
 * the MAT headers only, so the 150 MB of depth is never inflated here). On request, each
 * sequence's depth is also transcoded to a browser-playable video stream.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { badInput, StudioError, throwIfCancelled } from '../shared/errors.ts';
import { sha256, sha256File } from '../files/checksum.ts';
import { mapPool } from '../files/pool.ts';
import { probeVideo } from '../media/probe.ts';
import { UTD_MHAD_INERTIAL } from '../sensors/utdInertial.ts';
import { parseMat, readMatBytes, readMatDims, requireVariable, toRowMajor2D } from '../sensors/mat.ts';
import { readSkeleton } from '../sensors/skeleton.ts';
import { mediaDir } from '../store/media.ts';
import type { Project } from '../store/project.ts';
import { recordingNames, type RecordingInput } from '../store/recordings.ts';
import { addNewRecordings } from './addNewRecordings.ts';
import { addStreams, recordingsWithoutStream } from '../store/streams.ts';
import { DEPTH_VIDEO, existingDepthVideo, transcodeDepth } from './utdDepthVideo.ts';

export const UTD_MHAD = {
  /** Kinect v1 depth and skeleton, about 30 frames/s */
  depthRate: 30,
  /** the sequences the dataset does not have */
  knownMissing: ['a8_s1_t4', 'a23_s6_t4', 'a27_s8_t4'],
} as const;

const FILE_NAME = /^a(\d+)_s(\d+)_t(\d+)_(inertial|depth|skeleton)\.mat$/;

export interface UtdSequence {
  name: string;
  action: number;
  subject: number;
  trial: number;
  files: Partial<Record<'inertial' | 'depth' | 'skeleton', string>>;
}

export interface ImportReport {
  imported: number;
  skipped: { name: string; reason: string }[];
  missing: string[];
  /** those of `missing` that the published dataset is known to lack (UTD_MHAD.knownMissing) */
  knownMissing: string[];
  seconds: number;
  /** with `withVideo` only */
  videos?: VideoReport;
}

export interface VideoReport {
  /** transcoded now */
  made: number;
  /** finished by an earlier run, only registered now */
  reused: number;
  /** left without video (with skipBad) */
  failed: { name: string; reason: string }[];
}

export interface UtdImportOptions {
  /** skip sequences whose files are unreadable instead of failing the whole import */
  skipBad?: boolean;
  onProgress?: (done: number, total: number, message: string) => void;
  /** also give every recording without one a 'video' stream: its depth as an H.264 mp4 */
  withVideo?: boolean;
  /** ffmpeg processes at once (default: 2 to 4, by the machine's cores) */
  videoConcurrency?: number;
  onVideoProgress?: (done: number, total: number, message: string) => void;
  /** stops the import: while reading, nothing is written; during the videos, the recordings and finished videos stay */
  signal?: AbortSignal;
}

export async function readActionNames(dir: string): Promise<Map<number, string>> {
  const file = join(dir, 'actions.tsv');
  const text = await readFile(file, 'utf8').catch(() => {
    throw new StudioError('NOT_FOUND', `${file}: missing: a UTD-MHAD folder has actions.tsv beside Inertial/`, { file });
  });
  const names = new Map<number, string>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const match = /^a(\d+)\t(.+)$/.exec(line.trim());
    if (!match) throw badInput(file, `expected "a<number><TAB><name>", got ${JSON.stringify(line)}`, { line: i + 1 });
    names.set(Number(match[1]), match[2].trim());
  });
  return names;
}

async function listModality(dir: string, folder: string): Promise<string[]> {
  return readdir(join(dir, folder)).catch(() => []);
}

export async function scanUtdMhad(dir: string): Promise<UtdSequence[]> {
  const sequences = new Map<string, UtdSequence>();
  for (const folder of ['Inertial', 'Depth', 'Skeleton']) {
    for (const entry of await listModality(dir, folder)) {
      const match = FILE_NAME.exec(entry);
      if (!match) continue;
      const [action, subject, trial] = match.slice(1, 4).map(Number);
      const name = `a${action}_s${subject}_t${trial}`;
      const sequence = sequences.get(name) ?? { name, action, subject, trial, files: {} };
      sequence.files[match[4] as keyof UtdSequence['files']] = join(dir, folder, entry);
      sequences.set(name, sequence);
    }
  }
  if (sequences.size === 0) {
    throw new StudioError('NOT_FOUND', `${dir}: no UTD-MHAD files (expected Inertial/a1_s1_t1_inertial.mat, ...)`, { file: dir });
  }
  return [...sequences.values()].sort((a, b) => a.action - b.action || a.subject - b.subject || a.trial - b.trial);
}

async function readJointNames(dir: string): Promise<string[] | null> {
  const text = await readFile(join(dir, 'Skeleton', 'Skeleton_joint_order.txt'), 'utf8').catch(() => null);
  if (!text) return null;
  // Joint lines look like "1. head;"; the file also has prose before and after them.
  const names: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(\d+)\.\s*([A-Za-z_]+)\s*;?\s*$/.exec(line);
    if (match) names[Number(match[1]) - 1] = match[2];
  }
  return names.length ? names : null;
}

async function sequenceRecording(seq: UtdSequence, actions: Map<number, string>, joints: string[] | null): Promise<RecordingInput> {
  const inertialPath = seq.files.inertial;
  if (!inertialPath) throw new StudioError('NOT_FOUND', `${seq.name}: no inertial file`, { field: seq.name });
  const actionName = actions.get(seq.action);
  if (!actionName) throw new StudioError('BAD_INPUT', `${seq.name}: action a${seq.action} is not in actions.tsv`, { field: 'action' });

  const bytes = await readMatBytes(inertialPath);
  const iner = requireVariable(parseMat(bytes, inertialPath, { only: ['d_iner'] }), 'd_iner', inertialPath, { rank: 2, dims: [null, 6] });
  const table = toRowMajor2D(iner);
  for (let i = 0; i < table.data.length; i++) {
    if (!Number.isFinite(table.data[i])) {
      const row = Math.floor(i / 6);
      throw badInput(inertialPath, `d_iner has a non-finite value (${table.data[i]}) at row ${row + 1}, column ${(i % 6) + 1}`, { field: 'd_iner' });
    }
  }
  if (table.rows < 3) throw badInput(inertialPath, `d_iner has ${table.rows} rows; at least 3 are needed`, { field: 'd_iner' });

  const recording: RecordingInput = {
    name: seq.name,
    subject: String(seq.subject),
    trial: seq.trial,
    label: { name: actionName, description: `a${seq.action}` },
    sources: [{ role: 'inertial', path: inertialPath, sha256: sha256(bytes), bytes: bytes.byteLength }],
    streams: [
      {
        kind: 'sensor',
        name: 'inertial',
        rate: UTD_MHAD_INERTIAL.rate,
        length: table.rows,
        channels: UTD_MHAD_INERTIAL.channels,
        sourceRole: 'inertial',
        samples: { rows: table.rows, cols: table.cols, data: table.data },
      },
    ],
  };
  if (seq.files.depth) {
    const path = seq.files.depth;
    const dims = await readMatDims(path, 'd_depth');
    if (dims.dims.length !== 3) throw badInput(path, `d_depth has shape ${dims.dims.join('×')}, expected 240×320×F`, { field: 'd_depth' });
    recording.sources.push({ role: 'depth', path, ...(await sha256File(path)) });
    recording.streams.push({
      kind: 'depth',
      name: 'depth',
      rate: UTD_MHAD.depthRate,
      length: dims.dims[2],
      meta: { height: dims.dims[0], width: dims.dims[1], variable: 'd_depth' },
      sourceRole: 'depth',
    });
  }
  if (seq.files.skeleton) {
    const path = seq.files.skeleton;
    // read whole (tens of KB), so that a skeleton with NaN joints is refused like NaN inertial data
    const skeleton = await readSkeleton(path);
    recording.sources.push({ role: 'skeleton', path, ...(await sha256File(path)) });
    recording.streams.push({
      kind: 'skeleton',
      name: 'skeleton',
      rate: UTD_MHAD.depthRate,
      length: skeleton.frames,
      meta: { joints: skeleton.joints, jointNames: joints, variable: 'd_skel', hipCentred: false },
      sourceRole: 'skeleton',
    });
  }
  return recording;
}

/**
 * What the dataset lacks: sequences of the action × subject × trial grid (as far as the folder
 * reaches) with no file at all, and single modalities missing from a sequence ("a1_s1_t1 depth").
 */
function missingFiles(found: UtdSequence[]): string[] {
  const byName = new Map(found.map((s) => [s.name, s]));
  const extent = (key: 'action' | 'subject' | 'trial') => Math.max(...found.map((s) => s[key]));
  const missing: string[] = [];
  for (let a = 1; a <= extent('action'); a++)
    for (let s = 1; s <= extent('subject'); s++)
      for (let t = 1; t <= extent('trial'); t++) {
        const name = `a${a}_s${s}_t${t}`;
        const seq = byName.get(name);
        if (!seq) missing.push(name);
        else for (const modality of ['inertial', 'depth', 'skeleton'] as const) if (!seq.files[modality]) missing.push(`${name} ${modality}`);
      }
  return missing;
}

/**
 * Reads every sequence first and writes them all in one transaction, so a bad file leaves the
 * project as it was (or, with skipBad, is reported and left out). Sequences already in the
 * project are skipped, which makes a re-import safe.
 */
export async function importUtdMhad(project: Project, dirArg: string, opts: UtdImportOptions = {}): Promise<ImportReport> {
  const started = performance.now();
  const dir = resolve(dirArg);
  const [actions, sequences, joints, existing] = await Promise.all([readActionNames(dir), scanUtdMhad(dir), readJointNames(dir), recordingNames(project.db)]);
  const skipped: ImportReport['skipped'] = [];
  const todo = sequences.filter((seq) => {
    if (!existing.has(seq.name)) return true;
    skipped.push({ name: seq.name, reason: 'already in the project' });
    return false;
  });
  let done = 0;
  const cancelledReading = `UTD-MHAD import of ${dir} cancelled while reading its files: nothing was written`;
  const inputs = await mapPool(todo, 8, async (seq) => {
    // outside the try: skipBad skips bad files, never a cancel
    throwIfCancelled(opts.signal, cancelledReading);
    try {
      return await sequenceRecording(seq, actions, joints);
    } catch (err) {
      if (!opts.skipBad) throw err;
      skipped.push({ name: seq.name, reason: err instanceof Error ? err.message : String(err) });
      return null;
    } finally {
      opts.onProgress?.(++done, todo.length, seq.name);
    }
  });
  const ready = inputs.filter((r): r is RecordingInput => r !== null);
  throwIfCancelled(opts.signal, cancelledReading);
  const { added, alreadyThere } = await addNewRecordings(project.db, ready);
  for (const name of alreadyThere) skipped.push({ name, reason: 'already in the project' });
  const videos = opts.withVideo ? await addDepthVideos(project, sequences, opts) : undefined;
  const missing = missingFiles(sequences);
  const knownMissing = missing.filter((m) => (UTD_MHAD.knownMissing as readonly string[]).includes(m));
  return { imported: added.length, skipped, missing, knownMissing, seconds: (performance.now() - started) / 1000, videos };
}

/** Where a sequence's depth video goes: <project>.media/depth/<name>.mp4 */
export function depthVideoPath(projectPath: string, name: string): string {
  return join(mediaDir(projectPath), 'depth', `${name}.mp4`);
}

async function addDepthVideo(
  project: Project,
  seq: UtdSequence & { files: { depth: string } },
  recordingId: number,
  signal: AbortSignal,
): Promise<'made' | 'reused'> {
  const out = depthVideoPath(project.path, seq.name);
  const { dims } = await readMatDims(seq.files.depth, 'd_depth');
  const expected = { height: dims[0], width: dims[1], frames: dims[2] ?? 1 };
  let video = await existingDepthVideo(out, expected);
  const outcome = video ? 'reused' : 'made';
  if (!video) {
    await transcodeDepth(seq.files.depth, out, { signal });
    video = await probeVideo(out);
  }
  await addStreams(
    project.db,
    recordingId,
    [{ role: 'video', path: out, ...(await sha256File(out)) }],
    [
      {
        kind: 'video',
        name: 'video',
        rate: video.fps,
        length: video.frameCount,
        meta: {
          path: out,
          width: video.width,
          height: video.height,
          codec: video.codec,
          duration: video.duration,
          sourceVariable: 'd_depth',
          depthRangeMm: [DEPTH_VIDEO.nearMm, DEPTH_VIDEO.farMm],
          holeGray: DEPTH_VIDEO.holeGray,
        },
        sourceRole: 'video',
      },
    ],
  );
  return outcome;
}

/**
 * Transcodes the depth of every recording in the project that has no video stream yet, a few
 * ffmpeg processes at once, registering each video as it is done: an interrupted run keeps what
 * it finished, and a re-run reuses finished files that probe as complete. Without skipBad the
 * first failure stops the rest (after the ones in flight) and is thrown. A cancel (opts.signal)
 * kills the ffmpeg processes in flight, whose partial files are removed.
 */
async function addDepthVideos(project: Project, sequences: UtdSequence[], opts: UtdImportOptions): Promise<VideoReport> {
  const lacking = await recordingsWithoutStream(project.db, 'video');
  const todo = sequences.filter((s): s is UtdSequence & { files: { depth: string } } => s.files.depth !== undefined && lacking.has(s.name));
  await mkdir(join(mediaDir(project.path), 'depth'), { recursive: true });
  const report: VideoReport = { made: 0, reused: 0, failed: [] };
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  let firstError: unknown;
  let done = 0;
  const concurrency = opts.videoConcurrency ?? Math.min(4, Math.max(2, availableParallelism()));
  await mapPool(todo, concurrency, async (seq) => {
    if (signal.aborted) return;
    try {
      report[await addDepthVideo(project, seq, lacking.get(seq.name)!, signal)]++;
    } catch (err) {
      if (opts.signal?.aborted) return; // reported once, below
      if (opts.skipBad) {
        report.failed.push({ name: seq.name, reason: err instanceof Error ? err.message : String(err) });
      } else {
        firstError ??= err;
        stop.abort();
      }
    } finally {
      opts.onVideoProgress?.(++done, todo.length, seq.name);
    }
  });
  if (firstError !== undefined) throw firstError;
  const finished = report.made + report.reused;
  const left = todo.length - finished - report.failed.length;
  // a cancel that came after the last video started stopped nothing
  if (left > 0) {
    throwIfCancelled(
      opts.signal,
      `depth videos cancelled with ${finished} of ${todo.length} done: the recordings and the finished videos are kept; importing again with video adds the other ${left}`,
    );
  }
  return report;
}
