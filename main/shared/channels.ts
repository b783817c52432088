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
  'streams.samples',
  // imports: each runs as a job (events job.*), cancellable
  'import.demo',
  'import.utdMhad',
  'import.sensor',
  'jobs.list',
  'jobs.cancel',
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
  // export: a finished student run as a device bundle (job.progress 'runs.export')
  'runs.export',
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
