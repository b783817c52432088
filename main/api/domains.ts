/**
 * Which file of main/api serves each method of the contract. The service loads a domain's handlers the
 * first time one of its methods is called, so that a CLI command pays only for what it uses.
 */
import type { MethodName, StudioHandlers } from '../shared/contract.ts';

export const methodDomain = {
  'app.version': 'project',
  'projects.recent': 'project',
  'project.create': 'project',
  'project.open': 'project',
  'project.close': 'project',
  'project.summary': 'project',
  'project.current': 'project',
  'recordings.list': 'project',
  'recordings.find': 'project',
  'labels.list': 'project',
  'streams.samples': 'recordings',
  'import.demo': 'imports',
  'import.utdMhad': 'imports',
  'import.sensor': 'imports',
  'jobs.list': 'jobs',
  'jobs.cancel': 'jobs',
  'gaf.file': 'tools',
  'media.frames': 'tools',
  'demo.generate': 'tools',
  'app.doctor': 'tools',
  'recordings.get': 'recordings',
  'streams.trace': 'recordings',
  'gaf.window': 'recordings',
  'alignment.get': 'recordings',
  'alignment.set': 'recordings',
  'alignment.auto': 'recordings',
  'skeleton.get': 'recordings',
  'annotations.list': 'annotations',
  'annotations.create': 'annotations',
  'annotations.update': 'annotations',
  'annotations.delete': 'annotations',
  'annotations.export': 'annotations',
  'annotations.import': 'annotations',
  'labels.create': 'annotations',
  'labels.update': 'annotations',
  'labels.delete': 'annotations',
  'datasets.list': 'training',
  'datasets.preview': 'training',
  'datasets.create': 'training',
  'runs.list': 'training',
  'runs.get': 'training',
  'runs.start': 'training',
  'runs.cancel': 'training',
  'runs.resume': 'training',
  'runs.report': 'training',
  'runs.export': 'exports',
  'datasets.export': 'exports',
  'files.list': 'files',
  'recordings.update': 'project',
  'recordings.delete': 'project',
  'import.session': 'imports',
  'import.folder.preview': 'imports',
  'import.folder': 'imports',
} as const satisfies Record<MethodName, string>;

export type DomainName = (typeof methodDomain)[MethodName];

/** the methods one domain serves */
export type DomainMethod<D extends DomainName> = { [M in MethodName]: (typeof methodDomain)[M] extends D ? M : never }[MethodName];

/** what a domain's file gives the service */
export type DomainHandlers<D extends DomainName> = Pick<StudioHandlers, DomainMethod<D>>;
