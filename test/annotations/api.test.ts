import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { methods, type MethodArgs, type MethodName, type MethodResult } from '../../main/shared/contract.ts';
import { createDispatcher } from '../../main/api/dispatch.ts';
import { unwrap } from '../../main/shared/envelope.ts';
import { createStudioService } from '../../main/api/service.ts';
import { closeProject } from '../../main/store/project.ts';
import { eventLog, resultOf } from '../helpers/events.ts';
import { tempDir } from '../helpers/tmp.ts';
import { annotatedProject, clockA } from './fixture.ts';

const dir = tempDir();
let n = 0;

async function studio() {
  const { project, recA } = await annotatedProject(dir, `api${n++}.vskd`);
  await closeProject(project);
  const log = eventLog();
  const service = createStudioService({ version: '0.0.0-test', emit: log.emit });
  const dispatch = createDispatcher(service.handlers);
  /** A call that must succeed, its result checked against the contract's schema. */
  async function call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>> {
    const value = unwrap(await dispatch(method, args)) as MethodResult<M>;
    const checked = methods[method].result.safeParse(value);
    assert.ok(checked.success, `${method}'s result fits the contract: ${checked.error?.message}`);
    return value;
  }
  await call('project.open', { path: project.path });
  return { call, dispatch, service, recA, log };
}

describe('annotation API methods', () => {
  it('create, list, update, delete and undo through the contract', async () => {
    const { call, service, recA } = await studio();
    const wave = await call('labels.create', { name: 'wave', color: '#00aa00' });
    const sit = await call('labels.create', { name: 'sit' });
    const first = await call('annotations.create', { recordingId: recA, labelId: wave.id, start: 4, end: 5 });
    const second = await call('annotations.create', { recordingId: recA, labelId: sit.id, start: 3, end: 4.5, timeBase: 'sensor' });
    const listed = await call('annotations.list', { recordingId: recA });
    assert.deepEqual(listed.clock, clockA);
    assert.deepEqual(
      listed.annotations.map((a) => a.id),
      [second.id, first.id],
      'ordered by video start',
    );

    const { before, after } = await call('annotations.update', { id: first.id, end: 6, labelId: sit.id });
    assert.deepEqual([after.end, after.label], [6, 'sit']);
    await call('annotations.update', {
      id: first.id,
      labelId: before.labelId,
      start: before.start,
      end: before.end,
      timeBase: before.timeBase,
      note: before.note,
    });
    const deleted = await call('annotations.delete', { id: first.id });
    assert.deepEqual(deleted, first, 'the undone update restored it');
    const { recordingId, labelId, start, end, timeBase, note, id } = deleted;
    const restored = await call('annotations.create', { recordingId, labelId, start, end, timeBase, note, id });
    assert.deepEqual(restored, first, 'undoing the delete brings it back under its id');
    await service.dispose();
  });

  it('refuses bad arguments naming the field, and labels in use', async () => {
    const { call, dispatch, service, recA } = await studio();
    const wave = await call('labels.create', { name: 'wave' });
    const badBase = await dispatch('annotations.create', { recordingId: recA, labelId: wave.id, start: 1, end: 2, timeBase: 'audio' });
    assert.ok(!badBase.ok && badBase.error.code === 'INVALID_ARGUMENT' && badBase.error.field === 'timeBase', JSON.stringify(badBase));
    const badColour = await dispatch('labels.create', { name: 'x', color: 'red' });
    assert.ok(!badColour.ok && badColour.error.field === 'color', JSON.stringify(badColour));
    const reversed = await dispatch('annotations.create', { recordingId: recA, labelId: wave.id, start: 2, end: 1 });
    assert.ok(!reversed.ok && reversed.error.code === 'INVALID_ARGUMENT' && reversed.error.field === 'end', JSON.stringify(reversed));
    await call('annotations.create', { recordingId: recA, labelId: wave.id, start: 1, end: 2 });
    const inUse = await dispatch('labels.delete', { id: wave.id });
    assert.ok(!inUse.ok && inUse.error.code === 'CONFLICT' && /1 annotation\b/.test(inUse.error.message), JSON.stringify(inUse));
    const renamed = await call('labels.update', { id: wave.id, name: 'waving' });
    assert.equal(renamed.after.name, 'waving');
    await service.dispose();
  });

  it('exports and imports (dry run) as jobs with progress, through the contract', async () => {
    const { call, dispatch, service, recA, log } = await studio();
    const wave = await call('labels.create', { name: 'wave' });
    await call('annotations.create', { recordingId: recA, labelId: wave.id, start: 1, end: 2 });
    const file = join(dir, 'api-export.csv');
    const exportJob = await call('annotations.export', { format: 'csv', path: file });
    const exported = resultOf(await log.ended(exportJob.job), 'export.annotations');
    assert.deepEqual([exported.files, exported.annotations], [[file], 1]);
    assert.ok(
      log.payloads('job.progress', exportJob.job).some((p) => p.done === 1 && p.total === 1),
      'the export reports its progress',
    );
    const importJob = await call('annotations.import', { path: file, dryRun: true });
    const report = resultOf(await log.ended(importJob.job), 'import.annotations');
    assert.deepEqual([report.dryRun, report.added, report.skippedDuplicates], [true, 0, 1]);
    assert.ok(
      log.payloads('job.progress', importJob.job).some((p) => /1 segment\(s\) read/.test(p.message)),
      'the import reports the files it read',
    );
    // a second export to the same file is refused by the job, naming the file; nothing is replaced
    const again = await log.ended((await call('annotations.export', { format: 'csv', path: file })).job);
    assert.equal(again.status, 'failed');
    assert.match(again.error ?? '', /api-export\.csv: a file already exists/);
    const bad = await dispatch('annotations.import', { path: file, format: 'pdf' } as never);
    assert.ok(!bad.ok && bad.error.field === 'format', JSON.stringify(bad));
    await service.dispose();
  });
});
