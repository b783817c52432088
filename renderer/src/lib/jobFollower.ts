/**
 * Follows a job a component starts (an export, an annotation import): its progress, then its end.
 * It listens from before the starting call answers, since a short job can end before its id comes back.
 */
import type { EventPayload } from '../../../main/shared/contract.ts';
import type { StudioClient } from './studio.ts';

export type JobEnded = EventPayload<'job.ended'>;
export type JobProgress = EventPayload<'job.progress'>;

export interface FollowOptions {
  /** each job.progress of the job */
  onprogress?: (progress: JobProgress) => void;
  /** the job's id once the call answers (for a Cancel button) */
  onjob?: (job: string) => void;
}

/** The job.ended of the job `started` answers with; rejects with the call's error when it fails to start. */
export function followJob(client: StudioClient, started: Promise<{ job: string }>, { onprogress, onjob }: FollowOptions = {}): Promise<JobEnded> {
  return new Promise<JobEnded>((resolve, reject) => {
    let job: string | null = null;
    const before = new Map<string, JobEnded>();
    const finish = (end: JobEnded) => {
      off.forEach((stop) => stop());
      resolve(end);
    };
    const off = [
      client.on('job.progress', (p) => {
        if (p.job === job) onprogress?.(p);
      }),
      client.on('job.ended', (end) => {
        if (job === null) before.set(end.job, end);
        else if (end.job === job) finish(end);
      }),
    ];
    started.then(
      (answer) => {
        job = answer.job;
        onjob?.(job);
        const ended = before.get(job);
        if (ended) finish(ended);
      },
      (err: unknown) => {
        off.forEach((stop) => stop());
        reject(err);
      },
    );
  });
}
