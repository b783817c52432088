/**
 * A generated demo dataset (demo.json + videos/ + sensors/ + skeletons/) as recordings: one per
 * clip, with its accelerometer samples stored and its video and skeleton referenced (the skeleton
 * as UTD-MHAD's is: a 'skeleton' source and stream, which the teacher's pose input reads). The
 * true clock offsets in demo.json stay out of the project: they are what alignment is measured
 * against, so the import leaves each recording's alignment at identity.
 *
 * Sessions are imported only when asked for, and without a label: a session holds several
 * actions, so it belongs to no class. Since the dataset protocols split every recording of a
 * project and refuse one without a label, a project meant for `dataset create` leaves them out.
 *
 * The ground-truth action segments (each clip's action, each session's actions) become the
 * recordings' annotations, read from the dataset's annotation CSVs by the annotation importer, on
 * the video clock: what a segment dataset cuts its windows from, through each recording's clock
 * model. They are written after the recordings, in a transaction of their own; a segment already
 * there is skipped, so importing again completes what an interrupted import left.
 */
import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { badInput, clipText, StudioError, throwIfCancelled } from '../shared/errors.ts';
import { sha256, sha256File } from '../files/checksum.ts';
import { mapPool } from '../files/pool.ts';
import { probeVideo, verifyVideo } from '../media/probe.ts';
import { parseDelimited } from '../sensors/delimited.ts';
import { readSkeleton } from '../sensors/skeleton.ts';
import { importAnnotations } from '../annotations/transfer.ts';
import type { LabelInput } from '../store/labels.ts';
import type { Project } from '../store/project.ts';
import { recordingNames, type RecordingInput, type SourceInput, type StreamInput } from '../store/recordings.ts';
import { addNewRecordings } from './addNewRecordings.ts';
import { SKELETON_VARIABLE } from './demo/bodyPose.ts';
import { DEMO_MANIFEST, readDemoManifest, type DemoManifest } from './demo/manifest.ts';

export interface DemoImportReport {
  imported: number;
  /** recordings already in the project */
  skipped: string[];
  /** ground-truth segments not added because they overlap an annotation of another label (none: absent) */
  warnings?: string[];
  seconds: number;
}

export interface DemoImportOptions {
  /** import the sessions too (default false: see above) */
  sessions?: boolean;
  onProgress?: (done: number, total: number, name: string) => void;
  /** stops the import before it writes: a cancelled import stores nothing */
  signal?: AbortSignal;
}

/** What a clip or a session becomes: the recording's identity, and where its files are. */
interface DemoEntry {
  name: string;
  subject: string;
  trial: number | null;
  label: LabelInput | null;
  video: string;
  sensor: string;
  skeleton?: string;
  /** the video's frames, as generated */
  frames: number;
}

/** The skeleton's source and stream: its frames are the video's, checked against the file's d_skel. */
async function skeletonParts(path: string, jointNames: string[], fps: number, videoFrames: number): Promise<[SourceInput, StreamInput]> {
  // read whole (tens of KB): a skeleton with NaN joints is refused like NaN sensor data
  const { joints, frames } = await readSkeleton(path);
  if (joints !== jointNames.length || frames !== videoFrames) {
    throw badInput(
      path,
      `${SKELETON_VARIABLE} has shape ${joints}×3×${frames}, expected ${jointNames.length}×3×${videoFrames} (joints × xyz × the video's frames)`,
      { field: SKELETON_VARIABLE },
    );
  }
  return [
    { role: 'skeleton', path, ...(await sha256File(path)) },
    {
      kind: 'skeleton',
      name: 'skeleton',
      rate: fps,
      length: frames,
      meta: { joints, jointNames, variable: SKELETON_VARIABLE, hipCentred: false },
      sourceRole: 'skeleton',
    },
  ];
}

/**
 * The real path of a file demo.json lists, which must lie inside the dataset folder (`realDir`, itself a
 * real path) even after its symlinks are followed. It is what the project stores, so that serving the
 * video later can tell the file from a symlink swapped in for it.
 */
async function datasetFile(realDir: string, rel: string, listedFor: string): Promise<string> {
  const listed = join(realDir, rel);
  const real = await realpath(listed).catch(() => {
    throw new StudioError('NOT_FOUND', `${listed}: missing (listed in demo.json for ${listedFor})`, { file: listed });
  });
  const inside = relative(realDir, real);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw badInput(listed, `leads outside the dataset folder (to ${real}); demo.json may list only files inside it`);
  }
  return real;
}

async function demoRecording(realDir: string, manifest: DemoManifest, entry: DemoEntry, signal?: AbortSignal): Promise<RecordingInput> {
  const sensorPath = await datasetFile(realDir, entry.sensor, entry.name);
  const videoPath = await datasetFile(realDir, entry.video, entry.name);
  const bytes = await readFile(sensorPath).catch((err: NodeJS.ErrnoException) => {
    throw badInput(sensorPath, `cannot read the file (${err.code ?? err.message})`);
  });
  const table = parseDelimited(bytes.toString('utf8'), sensorPath, {});
  const video = await probeVideo(videoPath, { signal });
  // the header alone reads fine in a truncated or bit-flipped file: decode it all, and count
  await verifyVideo(videoPath, video, entry.frames, { signal });
  // datasets made before skeletons existed have none (readDemoManifest makes sure the names come with a file)
  const skeletonPath = entry.skeleton && manifest.skeleton ? await datasetFile(realDir, entry.skeleton, entry.name) : null;
  const skeleton = skeletonPath ? await skeletonParts(skeletonPath, manifest.skeleton!.jointNames, manifest.video.fps, video.frameCount) : null;
  return {
    name: entry.name,
    subject: entry.subject,
    trial: entry.trial,
    label: entry.label,
    sources: [
      { role: 'sensor', path: sensorPath, sha256: sha256(bytes), bytes: bytes.byteLength },
      { role: 'video', path: videoPath, ...(await sha256File(videoPath)) },
      ...(skeleton ? [skeleton[0]] : []),
    ],
    streams: [
      {
        kind: 'sensor',
        name: 'sensor',
        // the sensor's nominal rate: the manifest's, which the timestamps confirm
        rate: manifest.sensor.rate,
        length: table.rows,
        channels: table.channels,
        meta: { startTime: table.startTime, regular: table.regular, placement: manifest.sensor.placement, axes: manifest.sensor.axes },
        sourceRole: 'sensor',
        samples: { rows: table.rows, cols: table.channels.length, data: table.data, timestamps: table.regular ? null : table.timestamps },
      },
      {
        kind: 'video',
        name: 'video',
        rate: video.fps,
        length: video.frameCount,
        meta: { path: videoPath, width: video.width, height: video.height, codec: video.codec, duration: video.duration },
        sourceRole: 'video',
      },
      ...(skeleton ? [skeleton[1]] : []),
    ],
  };
}

/** Imports every clip (and session, if asked) in one transaction; recordings already in the project (by name) are skipped. */
export async function importDemo(project: Project, dirArg: string, opts: DemoImportOptions = {}): Promise<DemoImportReport> {
  const started = performance.now();
  const dir = resolve(dirArg);
  const manifest = await readDemoManifest(dir);
  const realDir = await realpath(dir);
  const existing = await recordingNames(project.db);
  const descriptions = new Map(manifest.classes.map((c) => [c.name, c.description]));
  const entries: DemoEntry[] = [
    ...manifest.recordings.map((r) => ({ ...r, trial: r.clip, label: { name: r.label, description: descriptions.get(r.label) } })),
    ...(opts.sessions ? manifest.sessions.map((r) => ({ ...r, trial: null, label: null })) : []),
  ];
  const listed = new Set<string>();
  for (const { name } of entries) {
    // a name listed twice would be decoded again and again before the write refused it
    if (listed.has(name)) throw badInput(join(dir, DEMO_MANIFEST), `recording ${clipText(name)} is listed more than once`);
    listed.add(name);
  }
  const todo = entries.filter((r) => !existing.has(r.name));
  let done = 0;
  const cancelled = `demo import of ${dir} cancelled while reading its files: nothing was written`;
  const inputs = await mapPool(todo, 4, async (entry) => {
    throwIfCancelled(opts.signal, cancelled);
    const input = await demoRecording(realDir, manifest, entry, opts.signal);
    opts.onProgress?.(++done, todo.length, entry.name);
    return input;
  }).catch((err: unknown) => {
    // a cancel kills the ffprobe in flight: say what the cancel kept, not what ffprobe saw
    throwIfCancelled(opts.signal, cancelled);
    throw err;
  });
  throwIfCancelled(opts.signal, cancelled);
  const { added, alreadyThere } = await addNewRecordings(project.db, inputs);
  const warnings = await importSegments(project, realDir, manifest, opts.sessions === true);
  return {
    imported: added.length,
    skipped: [...entries.filter((r) => existing.has(r.name)).map((r) => r.name), ...alreadyThere],
    ...(warnings.length ? { warnings } : {}),
    seconds: (performance.now() - started) / 1000,
  };
}

/** The annotation CSVs of the imported recordings (datasets made before them have none). */
function annotationFiles(manifest: DemoManifest, sessions: boolean): string[] {
  return [
    ...(manifest.annotations && manifest.recordings.length ? [manifest.annotations] : []),
    ...(sessions ? manifest.sessions.flatMap((r) => (r.annotations ? [r.annotations] : [])) : []),
  ];
}

/**
 * The ground-truth segments as annotations, each file in one transaction (the clips' file holds all
 * the clips); answers the segments left out for overlapping another label's annotation.
 */
async function importSegments(project: Project, realDir: string, manifest: DemoManifest, sessions: boolean): Promise<string[]> {
  const warnings: string[] = [];
  for (const rel of annotationFiles(manifest, sessions)) {
    // the recordings are stored by now: a bad annotation file leaves them unannotated, and says why
    const report = await datasetFile(realDir, rel, 'the annotations')
      .then((path) => importAnnotations(project.db, { path, format: 'csv' }))
      .catch((err: unknown) => {
        warnings.push(`${rel}: the segments were not imported: ${err instanceof Error ? err.message : String(err)}`);
        return null;
      });
    for (const c of report?.conflicts ?? []) {
      warnings.push(`${c.recording}: ${c.label} ${c.start.toFixed(2)}–${c.end.toFixed(2)} s overlaps an annotation of ${c.existing.label}; not added`);
    }
  }
  return warnings;
}
