/**
 * The names of the contract's methods and events: the IPC channels. Kept apart from the
 * schemas so that the sandboxed preload can check names without bundling a schema library.
 */
export const methodNames = [
  'app.version',
  'projects.recent',
  'project.create',
  'project.open',
  'project.close',
  'project.summary',
  'project.current',
  'recordings.list',
  'labels.list',
  'recordings.find',
  'streams.samples',
  // long work runs as a job (events job.*), cancellable: imports, training, exports, the demo data
  'import.demo',
  'import.utdMhad',
  'import.sensor',
  'jobs.list',
  'jobs.cancel',
  // tools on files
  'gaf.file',
  'media.frames',
  'demo.generate',
  'app.doctor',
  // the recording view
  'recordings.get',
  'streams.trace',
  'gaf.window',
  'alignment.get',
  'alignment.set',
  'alignment.auto',
  'skeleton.get',
  // annotations and the label schema
  'annotations.list',
  'annotations.create',
  'annotations.update',
  'annotations.delete',
  'annotations.export',
  'annotations.import',
  'labels.create',
  'labels.update',
  'labels.delete',
  // training: datasets, runs and their jobs (events train.*)
  'datasets.list',
  'datasets.preview',
  'datasets.create',
  'runs.list',
  'runs.get',
  'runs.start',
  'runs.cancel',
  'runs.resume',
  'runs.report',
  // exports: a finished student run as a device bundle, a dataset as NumPy files
  'runs.export',
  'datasets.export',
  // the file browser of the web mode; editing and deleting a recording
  'files.list',
  'recordings.update',
  'recordings.delete',
  // your own recordings: a session (video + sensor files), a folder by filename pattern
  'import.session',
  'import.folder.preview',
  'import.folder',
] as const;

export const eventNames = [
  'job.progress',
  'job.ended',
  // training
  'train.progress',
  'train.ended',
  'train.log',
  'train.preparing',
] as const;

/** Electron's native file dialog: a channel of its own, apart from the contract (the web mode has none; it browses with files.list). */
export const pickChannel = 'dialog.pick';

export interface PickRequest {
  /** an existing file, an existing folder, or a file to write */
  kind: 'file' | 'folder' | 'save';
  /** with kind 'file': pick several */
  multiple?: boolean;
  /** extensions without the dot, by name: [{ name: 'Videos', extensions: ['mp4', 'mov'] }] */
  filters?: { name: string; extensions: string[] }[];
  title?: string;
  defaultPath?: string;
}

/** What the preload adds to the bridge in Electron: the native dialog, and the path of a file dropped on the window. */
export interface NativeFiles {
  /** the chosen paths; empty when the dialog was cancelled */
  pick(request: PickRequest): Promise<string[]>;
  pathOf(file: File): string;
}

export type MethodName = (typeof methodNames)[number];
export type EventName = (typeof eventNames)[number];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && (methodNames as readonly string[]).includes(name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (eventNames as readonly string[]).includes(name);
}
