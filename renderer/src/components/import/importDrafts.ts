/**
 * The Import panel's session and folder forms as typed, and the calls they make: each draft is read
 * into import.session or import.folder arguments, or into the one problem to fix first.
 */
import type { MethodArgs } from '../../../../main/shared/contract.ts';

export const videoExtensions = ['mp4', 'mov', 'mkv', 'avi', 'webm', 'm4v'];
/** what the generic sensor importer reads: delimited text and MAT-files */
export const sensorExtensions = ['csv', 'tsv', 'txt', 'mat'];

const extensionOf = (path: string) => /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase() ?? '';
/** a file's name without its folder and extension */
export const stemOf = (path: string) => (path.split(/[\\/]/).pop() ?? path).replace(/\.[^.]+$/, '');

export interface SessionSensor {
  file: string;
  /** the stream's name; empty: the file's stem */
  stream: string;
}

export interface SessionDraft {
  video: string;
  sensors: SessionSensor[];
  name: string;
  subject: string;
  trial: string;
  label: string;
  /** Hz for files without timestamps; empty: from the timestamps */
  rate: string;
}

export const emptySession = (): SessionDraft => ({ video: '', sensors: [], name: '', subject: '', trial: '', label: '', rate: '' });

export interface FolderDraft {
  dir: string;
  /** one pattern a line */
  patterns: string;
  /** label codes as `code=name`, by commas or lines */
  labels: string;
  /** the recording's name from the placeholders; empty: the first pattern's */
  name: string;
  rate: string;
}

export const emptyFolder = (): FolderDraft => ({ dir: '', patterns: '', labels: '', name: '', rate: '' });

type Read<T> = { args: T } | { problem: string };

function readTrial(text: string): Read<number | undefined> {
  const trial = text.trim();
  if (!trial) return { args: undefined };
  return /^\d+$/.test(trial) ? { args: Number(trial) } : { problem: `Trial: ${trial} is not a whole number` };
}

function readRate(text: string): Read<number | undefined> {
  const rate = text.trim();
  if (!rate) return { args: undefined };
  const hz = Number(rate);
  return Number.isFinite(hz) && hz > 0 ? { args: hz } : { problem: `Rate: ${rate} is not a positive number of Hz` };
}

const optional = <K extends string>(key: K, text: string): Partial<Record<K, string>> => (text.trim() ? ({ [key]: text.trim() } as Record<K, string>) : {});

export function sessionArgs(draft: SessionDraft): Read<MethodArgs<'import.session'>> {
  const video = draft.video.trim();
  const sensors = draft.sensors.filter((s) => s.file.trim());
  if (!video && sensors.length === 0) return { problem: 'Give a video, a sensor file, or both' };
  const name = draft.name.trim() || stemOf(video || sensors[0].file.trim());
  const trial = readTrial(draft.trial);
  if ('problem' in trial) return trial;
  const rate = readRate(draft.rate);
  if ('problem' in rate) return rate;
  const streams = sensors.map((s) => s.stream.trim() || stemOf(s.file.trim()));
  const twice = streams.find((s, i) => streams.indexOf(s) !== i);
  if (twice) return { problem: `Sensors: two streams are named ${twice}: name each wearable` };
  return {
    args: {
      ...(video ? { video } : {}),
      sensors: sensors.map((s, i) => ({ file: s.file.trim(), stream: streams[i], ...(rate.args ? { options: { rate: rate.args } } : {}) })),
      name,
      ...optional('subject', draft.subject),
      ...optional('label', draft.label),
      ...(trial.args !== undefined ? { trial: trial.args } : {}),
    },
  };
}

/** `1=walk, 2=run` (or one a line) → { '1': 'walk', '2': 'run' } */
export function labelMap(text: string): Read<Record<string, string> | undefined> {
  const pairs = text
    .split(/[,\n]/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (pairs.length === 0) return { args: undefined };
  const map: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([^=]+?)\s*=\s*(.+)$/.exec(pair);
    if (!match) return { problem: `Label codes: ${pair} is not code=name` };
    map[match[1]] = match[2];
  }
  return { args: map };
}

export function folderArgs(draft: FolderDraft): Read<MethodArgs<'import.folder.preview'>> {
  const dir = draft.dir.trim();
  if (!dir) return { problem: 'Folder: choose the folder to import' };
  const patterns = draft.patterns
    .split('\n')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (patterns.length === 0) return { problem: 'Patterns: give at least one, e.g. acc_{subject}_{label}_{trial}.txt' };
  const labels = labelMap(draft.labels);
  if ('problem' in labels) return labels;
  const rate = readRate(draft.rate);
  if ('problem' in rate) return rate;
  return {
    args: {
      dir,
      patterns,
      ...(labels.args ? { labels: labels.args } : {}),
      ...optional('name', draft.name),
      ...(rate.args ? { options: { rate: rate.args } } : {}),
    },
  };
}

/** Files dropped on the window, sorted into what the import forms take. */
export function sortDropped(paths: string[]): { videos: string[]; sensors: string[]; others: string[] } {
  const videos = paths.filter((p) => videoExtensions.includes(extensionOf(p)));
  const sensors = paths.filter((p) => sensorExtensions.includes(extensionOf(p)));
  return { videos, sensors, others: paths.filter((p) => !videos.includes(p) && !sensors.includes(p)) };
}
