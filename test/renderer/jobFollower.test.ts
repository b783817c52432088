import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createDispatcher } from '../../main/api/dispatch.ts';
import { createStudioService } from '../../main/api/service.ts';
import type { EventName } from '../../main/shared/contract.ts';
import { createAnnotation } from '../../main/store/annotations.ts';
import { createLabel } from '../../main/store/labels.ts';
import { closeProject } from '../../main/store/project.ts';
import { doneResult } from '../../main/shared/jobResult.ts';
import { followJob, type JobProgress } from '../../renderer/src/lib/jobFollower.ts';
import { createClient } from '../../renderer/src/lib/studio.ts';
import { annotatedProject } from '../annotations/fixture.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();

/** The renderer's client over the real service, its events delivered as a bridge delivers them. */
async function rendererClient() {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const service = createStudioService({ version: 'test', emit: (event, payload) => listeners.get(event)?.forEach((l) => l(payload)) });
  const dispatch = createDispatcher(service.handlers);
  const client = createClient({
    invoke: (method, args) => dispatch(method, args),
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  });
  const listening = () => [...listeners.values()].reduce((n, set) => n + set.size, 0);
  return { client, service, listening };
}

describe("the renderer's job follower", () => {
  it('follows a job from its call to its end, hearing its progress, and stops listening', async () => {
    const { project, recA } = await annotatedProject(dir, 'follow.vskd');
    const wave = await createLabel(project.db, { name: 'wave' });
    await createAnnotation(project.db, { recordingId: recA, labelId: wave.id, start: 1, end: 2 });
    await closeProject(project);
    const { client, service, listening } = await rendererClient();
    await client.call('project.open', { path: project.path });

    const heard: JobProgress[] = [];
    let id: string | null = null;
    const file = join(dir, 'follow.csv');
    const end = await followJob(client, client.call('annotations.export', { format: 'csv', path: file }), {
      onprogress: (p) => heard.push(p),
      onjob: (job) => (id = job),
    });
    assert.equal(end.job, id);
    assert.deepEqual(doneResult(end, 'export.annotations').files, [file]);
    assert.ok(heard.length > 0 && heard.every((p) => p.job === id), 'progress of this job only');
    assert.equal(listening(), 0, 'no listener is left once the job has ended');

    // a job that fails: its end comes back, and doneResult says why
    const failed = await followJob(client, client.call('annotations.export', { format: 'csv', path: file }));
    assert.equal(failed.status, 'failed');
    assert.throws(() => doneResult(failed, 'export.annotations'), /follow\.csv: a file already exists/);
    // a call refused before any job: the call's own error, and nothing left listening
    await assert.rejects(
      followJob(client, client.call('annotations.import', { path: join(dir, 'none.csv') })).then((e) => doneResult(e, 'import.annotations')),
      /no such file/,
    );
    const refused = client.call('annotations.export', { format: 'pdf', path: file } as never);
    await assert.rejects(followJob(client, refused), (err: Error) => err.name === 'StudioError' && /format/.test(err.message));
    assert.equal(listening(), 0);
    await service.dispose();
  });
});
