/** The API of the job manager: what runs now, and a cancel. */
import { StudioError } from '../shared/errors.ts';
import type { ServiceContext } from './context.ts';
import type { DomainHandlers } from './domains.ts';

export function jobHandlers({ jobs }: ServiceContext): DomainHandlers<'jobs'> {
  return {
    'jobs.list': async () => jobs.running(),
    'jobs.cancel': async ({ job }) => {
      if (!jobs.cancel(job)) throw new StudioError('NOT_FOUND', `job: no job ${job} is running (it may have ended)`, { field: 'job' });
      return { job };
    },
  };
}
