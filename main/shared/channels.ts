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

export type MethodName = (typeof methodNames)[number];
export type EventName = (typeof eventNames)[number];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && (methodNames as readonly string[]).includes(name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (eventNames as readonly string[]).includes(name);
}
