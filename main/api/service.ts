/**
 * The handlers behind the API contract: plain Node, one open project per service. The Electron IPC
 * wiring, the web mode and the `vskd` CLI all serve exactly these, through the dispatcher.
 * Each domain's file (main/api/<domain>.ts) is loaded on the first call of one of its methods.
 */
import { createJobManager, type JobEnded, type JobProgress } from '../jobs/manager.ts';
import { resolveMediaFile, type MediaFile } from '../media/mediaRoute.ts';
import { methodNames, type EventPayload, type JobKind, type MethodName, type StudioHandlers } from '../shared/contract.ts';
import { StudioError } from '../shared/errors.ts';
import { closeProject, type Project } from '../store/project.ts';
import type { Emit, JobResult, ServiceContext } from './context.ts';
import { methodDomain, type DomainHandlers, type DomainName } from './domains.ts';

export interface ServiceOptions {
  version: string;
  emit: Emit;
  /** where the recent-projects list is kept (none: not remembered, as in tests and the CLI) */
  recentFile?: string;
  /** this process as another process's refusal names it (default 'VSKD Studio') */
  holder?: string;
}

export interface StudioService {
  handlers: StudioHandlers;
  /** the file of a video stream of the open project, for the media routes (by id: never a path from a request) */
  mediaFile(streamId: number): Promise<MediaFile>;
  /** cancels every job and waits for them to end; then closes the open project, if any */
  dispose(): Promise<void>;
}

const loaders: { [D in DomainName]: () => Promise<(context: ServiceContext) => DomainHandlers<D>> } = {
  project: () => import('./project.ts').then((m) => m.projectHandlers),
  recordings: () => import('./recordings.ts').then((m) => m.recordingHandlers),
  imports: () => import('./imports.ts').then((m) => m.importHandlers),
  jobs: () => import('./jobs.ts').then((m) => m.jobHandlers),
  files: () => import('./files.ts').then((m) => m.fileHandlers),
  tools: () => import('./tools.ts').then((m) => m.toolHandlers),
  annotations: () => import('./annotations.ts').then((m) => m.annotationHandlers),
  training: () => import('./training.ts').then((m) => m.trainingHandlers),
  exports: () => import('./exports.ts').then((m) => m.exportHandlers),
};

export function createStudioService({ version, emit, recentFile, holder = 'VSKD Studio' }: ServiceOptions): StudioService {
  let project: Project | null = null;
  const jobs = createJobManager<JobKind, JobResult>((event: 'job.progress' | 'job.ended', payload: JobProgress<JobKind> | JobEnded<JobKind, JobResult>) => {
    if (event === 'job.progress') emit(event, payload as JobProgress<JobKind>);
    // the manager is generic over results: each kind's work returns that kind's result (the contract's union)
    else emit(event, payload as EventPayload<'job.ended'>);
  });

  const context: ServiceContext = {
    version,
    emit,
    holder,
    recentFile,
    jobs,
    project() {
      if (!project) throw new StudioError('NOT_FOUND', 'no project is open: create or open one first', { field: 'project' });
      return project;
    },
    hasProject: () => project !== null,
    async replaceProject(next) {
      const opened = await next();
      // the jobs work on the open project: they end before it closes (what a cancel keeps: each job says)
      await jobs.cancelAll();
      if (project) await closeProject(project);
      project = opened;
      return opened;
    },
    async closeProject() {
      await jobs.cancelAll();
      if (project) await closeProject(project);
      project = null;
    },
  };

  const domains = new Map<DomainName, Promise<Partial<StudioHandlers>>>();
  function domainOf(name: DomainName): Promise<Partial<StudioHandlers>> {
    let handlers = domains.get(name);
    if (!handlers) {
      handlers = loaders[name]().then((make) => make(context));
      domains.set(name, handlers);
    }
    return handlers;
  }

  async function call<M extends MethodName>(method: M, args: Parameters<StudioHandlers[M]>[0]): Promise<unknown> {
    const handler = (await domainOf(methodDomain[method]))[method] as ((a: typeof args) => Promise<unknown>) | undefined;
    if (!handler) throw new StudioError('INTERNAL', `${method} has no handler in main/api/${methodDomain[method]}.ts`);
    return handler(args);
  }

  const handlers = Object.fromEntries(methodNames.map((method) => [method, (args: never) => call(method, args)])) as StudioHandlers;

  return {
    handlers,
    mediaFile: (streamId) => resolveMediaFile(context.project().db, streamId),
    async dispose() {
      // the jobs first: a training run is recorded as cancelled (in its own connection), an import stops, before the studio lets go
      await jobs.dispose();
      if (project) await closeProject(project);
      project = null;
    },
  };
}
