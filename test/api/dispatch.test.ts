import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { methodNames } from '../../main/shared/contract.ts';
import { createDispatcher } from '../../main/api/dispatch.ts';
import { unwrap } from '../../main/shared/envelope.ts';
import { createStudioService } from '../../main/api/service.ts';
import { StudioError } from '../../main/shared/errors.ts';
import { eventLog, resultOf } from '../helpers/events.ts';
import { fixtures, tempDir } from '../helpers/tmp.ts';

function studio() {
  const log = eventLog();
  const service = createStudioService({ version: '0.0.0-test', emit: log.emit });
  const dispatch = createDispatcher(service.handlers);
  return { dispatch, log, service };
}

describe('API contract dispatch', () => {
  it('rejects malformed arguments with a typed error naming the field', async () => {
    const { dispatch } = studio();
    const noPath = await dispatch('project.open', {});
    assert.equal(noPath.ok, false);
    if (!noPath.ok) {
      assert.equal(noPath.error.code, 'INVALID_ARGUMENT');
      assert.equal(noPath.error.field, 'path');
    }
    const wrongType = await dispatch('recordings.list', { trial: 'two' });
    assert.ok(!wrongType.ok && wrongType.error.field === 'trial');
    const extra = await dispatch('project.summary', { sneaky: 1 });
    assert.ok(!extra.ok && extra.error.code === 'INVALID_ARGUMENT');
    const unknown = await dispatch('fs.readFile', { path: '/etc/passwd' });
    assert.ok(!unknown.ok && unknown.error.code === 'INVALID_ARGUMENT' && unknown.error.field === 'method');
  });

  it('carries a handler error across as plain data that unwraps to a StudioError', async () => {
    const { dispatch } = studio();
    const envelope = await dispatch('project.summary', {});
    assert.deepEqual(JSON.parse(JSON.stringify(envelope)), envelope); // survives structured copies and JSON
    assert.throws(
      () => unwrap(envelope),
      (err: unknown) => err instanceof StudioError && err.code === 'NOT_FOUND' && /no project is open/.test(err.message),
    );
  });

  it('creates a project, imports UTD-MHAD as a job with progress events and lists recordings', async () => {
    const { dispatch, log, service } = studio();
    const path = join(tempDir(), 'api.vskd');
    // a window asking what to show gets null, not an error, before a project is open
    assert.equal(unwrap(await dispatch('project.current', {})), null);
    const created = unwrap(await dispatch('project.create', { path })) as { recordings: number };
    assert.equal(created.recordings, 0);
    assert.deepEqual(unwrap(await dispatch('project.current', {})), created);
    const { job } = unwrap(await dispatch('import.utdMhad', { dir: join(fixtures, 'utd-mhad-mini') })) as { job: string };
    const end = await log.ended(job);
    assert.equal(end.status, 'done');
    assert.equal(resultOf(end, 'import.utdMhad').imported, 4);
    // 'starting', then one per sequence read
    assert.equal(log.payloads('job.progress', job).length, 5);
    const list = unwrap(await dispatch('recordings.list', { subject: '2' })) as { name: string }[];
    assert.deepEqual(
      list.map((r) => r.name),
      ['a1_s2_t1', 'a2_s2_t1'],
    );
    const stream = (unwrap(await dispatch('recordings.list', {})) as { streams: { id: number; kind: string }[] }[])[0].streams.find(
      (s) => s.kind === 'sensor',
    )!;
    const samples = unwrap(await dispatch('streams.samples', { streamId: stream.id, resampleHz: 25 })) as { rate: number; cols: number; data: number[] };
    assert.equal(samples.rate, 25);
    assert.equal(samples.data.length % samples.cols, 0);
    const depth = await dispatch('streams.samples', { streamId: stream.id + 1 });
    assert.ok(!depth.ok && depth.error.code === 'INVALID_ARGUMENT');
    await service.dispose();
  });

  it('has a handler for every method of the contract', () => {
    const { service } = studio();
    assert.deepEqual(Object.keys(service.handlers).sort(), [...methodNames].sort());
  });
});
