/**
 * A generated demo dataset (demo.json + videos/ + sensors/) as recordings: one per clip, with its
 * accelerometer samples stored and its video referenced. The true clock offsets in demo.json stay
 * out of the project: they are what alignment is measured against, so the import leaves each
 * recording's alignment at identity.
 *
 * Sessions are imported only when asked for, and without a label: a session holds several
 * actions, so it belongs to no class. Since the dataset protocols split every recording of a
 * project and refuse one without a label, a project meant for `dataset create` leaves them out.
 * Their action segments stay in demo.json, as ground truth, not as the user's annotations.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { StudioError } from '../errors.ts';
import { sha256, sha256File } from '../files/checksum.ts';
import { mapPool } from '../files/pool.ts';
import { probeVideo } from '../media/probe.ts';
import { parseDelimited } from '../sensors/delimited.ts';
import type { LabelInput } from '../store/labels.ts';
import type { Project } from '../store/project.ts';
import { addRecordings, recordingNames, type RecordingInput } from '../store/recordings.ts';
import { readDemoManifest, type DemoManifest } from './demo/manifest.ts';

export interface DemoImportReport {
  imported: number;
  /** recordings already in the project */
  skipped: string[];
  seconds: number;
}

export interface DemoImportOptions {
  /** import the sessions too (default false: see above) */
  sessions?: boolean;
  onProgress?: (done: number, total: number, name: string) => void;
}

/** What a clip or a session becomes: the recording's identity, and where its files are. */
interface DemoEntry {
  name: string;
  subject: string;
  trial: number | null;
  label: LabelInput | null;
  video: string;
  sensor: string;
}

async function demoRecording(dir: string, manifest: DemoManifest, entry: DemoEntry): Promise<RecordingInput> {
  const sensorPath = join(dir, entry.sensor);
  const videoPath = join(dir, entry.video);
  const bytes = await readFile(sensorPath).catch(() => {
    throw new StudioError('NOT_FOUND', `${sensorPath}: missing (listed in demo.json for ${entry.name})`, { file: sensorPath });
  });
  const table = parseDelimited(bytes.toString('utf8'), sensorPath, {});
  const video = await probeVideo(videoPath);
  return {
    name: entry.name,
    subject: entry.subject,
    trial: entry.trial,
    label: entry.label,
    sources: [
      { role: 'sensor', path: sensorPath, sha256: sha256(bytes), bytes: bytes.byteLength },
      { role: 'video', path: videoPath, ...(await sha256File(videoPath)) },
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
    ],
  };
}

/** Imports every clip (and session, if asked) in one transaction; recordings already in the project (by name) are skipped. */
export async function importDemo(project: Project, dirArg: string, opts: DemoImportOptions = {}): Promise<DemoImportReport> {
  const started = performance.now();
  const dir = resolve(dirArg);
  const manifest = await readDemoManifest(dir);
  const existing = await recordingNames(project.db);
  const descriptions = new Map(manifest.classes.map((c) => [c.name, c.description]));
  const entries: DemoEntry[] = [
    ...manifest.recordings.map((r) => ({ ...r, trial: r.clip, label: { name: r.label, description: descriptions.get(r.label) } })),
    ...(opts.sessions ? manifest.sessions.map((r) => ({ ...r, trial: null, label: null })) : []),
  ];
  const todo = entries.filter((r) => !existing.has(r.name));
  let done = 0;
  const inputs = await mapPool(todo, 4, async (entry) => {
    const input = await demoRecording(dir, manifest, entry);
    opts.onProgress?.(++done, todo.length, entry.name);
    return input;
  });
  await addRecordings(project.db, inputs);
  return {
    imported: inputs.length,
    skipped: entries.filter((r) => existing.has(r.name)).map((r) => r.name),
    seconds: (performance.now() - started) / 1000,
  };
}
