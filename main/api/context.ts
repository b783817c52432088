/** What every domain's handlers share: the open project, the events, the one job manager. */
import type { JobManager } from '../jobs/manager.ts';
import type { EventName, EventPayload, JobKind } from '../shared/contract.ts';
import type { Project } from '../store/project.ts';

/** what a job that is done made: an import's report, a run's end, an export's files */
export type JobResult = NonNullable<EventPayload<'job.ended'>['result']>;

export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface ServiceContext {
  version: string;
  emit: Emit;
  /** the open project; NOT_FOUND (field project) when none is */
  project(): Project;
  /** whether a project is open */
  hasProject(): boolean;
  /** opens `next` in place of the open project, cancelling the open project's jobs first */
  replaceProject(next: () => Promise<Project>): Promise<Project>;
  /** cancels the open project's jobs, then closes it */
  closeProject(): Promise<void>;
  jobs: JobManager<JobKind, JobResult>;
  /** this process as another process's refusal names it ('VSKD Studio', 'vskd train student') */
  holder: string;
  /** where the recent-projects list is kept (none: not remembered) */
  recentFile?: string;
}
