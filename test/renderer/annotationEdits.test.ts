/**
 * The timeline's edit state on its own, against the real API over a real project: saves in the
 * order asked, undo and redo through what each call answered, moves written on a segment's own
 * clock, and a failed save that puts back what is stored.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDispatcher } from '../../main/api/dispatch.ts';
import { createStudioService } from '../../main/api/service.ts';
import { videoToSensor } from '../../main/shared/clockModel.ts';
import { unwrap } from '../../main/shared/envelope.ts';
import type { MethodArgs, MethodName, MethodResult } from '../../main/shared/contract.ts';
import { listAnnotations } from '../../main/store/annotations.ts';
import { createLabel } from '../../main/store/labels.ts';
import { closeProject, openProject } from '../../main/store/project.ts';
import { AnnotationEdits, type EditsSnapshot } from '../../renderer/src/lib/annotationEdits.ts';
import { annotatedProject, clockA } from '../annotations/fixture.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('annotation edits', () => {
  const dir = tempDir('vskd-edits-');
  const service = createStudioService({ version: 'test', emit: () => {} });
  const dispatch = createDispatcher(service.handlers);
  const calls: string[] = [];
  const client = {
    async call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>> {
      calls.push(method);
      return unwrap(await dispatch(method, args)) as MethodResult<M>;
    },
  };
  let path = '';
  let recA = 0;
  let recB = 0;
  let labels: number[] = [];

  before(async () => {
    const made = await annotatedProject(dir, 'edits.vskd');
    labels = [(await createLabel(made.project.db, { name: 'wave' })).id, (await createLabel(made.project.db, { name: 'clap' })).id];
    [path, recA, recB] = [made.project.path, made.recA, made.recB];
    await closeProject(made.project);
    unwrap(await dispatch('project.open', { path }));
  });
  after(() => service.dispose());

  async function stored(recordingId: number) {
    const project = await openProject(path);
    try {
      return (await listAnnotations(project.db, { recordingId })).map((a) => ({ id: a.id, label: a.label, start: a.start, end: a.end }));
    } finally {
      await closeProject(project);
    }
  }

  function editsOf(recordingId: number): { edits: AnnotationEdits; last: () => EditsSnapshot } {
    let last: EditsSnapshot | null = null;
    const edits = new AnnotationEdits(client, recordingId, (s) => (last = s));
    return { edits, last: () => last! };
  }

  it('creates, relabels, moves, deletes, and undoes and redoes each, saving every step', async () => {
    const { edits, last } = editsOf(recB);
    await edits.load();
    assert.deepEqual(last().annotations, []);
    const created = await edits.create(labels[0], 2, 4);
    assert.ok(created);
    await edits.update(created, { labelId: labels[1] });
    const moved = await edits.place(last().annotations[0], 5, 7.5);
    assert.deepEqual([moved?.startVideo, moved?.endVideo, moved?.label], [5, 7.5, 'clap']);
    assert.deepEqual(await stored(recB), [{ id: created.id, label: 'clap', start: 5, end: 7.5 }]);

    edits.undo(); // the move
    edits.undo(); // the relabel
    await edits.settled();
    assert.deepEqual(await stored(recB), [{ id: created.id, label: 'wave', start: 2, end: 4 }]);
    assert.ok(last().canRedo);
    edits.redo();
    await edits.settled();
    assert.equal((await stored(recB))[0].label, 'clap');

    await edits.delete(last().annotations[0]);
    assert.deepEqual(await stored(recB), []);
    edits.undo();
    await edits.settled();
    assert.deepEqual(await stored(recB), [{ id: created.id, label: 'clap', start: 2, end: 4 }], 'restored under its id');
    assert.deepEqual(
      last().annotations.map((a) => a.id),
      [created.id],
    );
    assert.equal(last().saving, 0);
    assert.equal(last().error, null);
  });

  it('saves one after another in the order asked, though none is awaited', async () => {
    const { edits, last } = editsOf(recB);
    await edits.load();
    const [a] = last().annotations;
    calls.length = 0;
    void edits.place(a, 10, 11);
    void edits.place(a, 12, 13);
    void edits.place(a, 14, 15);
    assert.equal(last().saving, 3);
    await edits.settled();
    assert.deepEqual(calls, ['annotations.update', 'annotations.update', 'annotations.update']);
    assert.deepEqual(
      (await stored(recB)).map((s) => [s.start, s.end]),
      [[14, 15]],
      'the last asked is what is stored',
    );
    edits.undo();
    await edits.settled();
    assert.deepEqual(
      (await stored(recB)).map((s) => [s.start, s.end]),
      [[12, 13]],
      'one undo takes back one step',
    );
  });

  it('a label made for a segment is undone with it, and redone with its id', async () => {
    const { edits, last } = editsOf(recB);
    await edits.load();
    const segment = last().annotations[0];
    const kick = (await edits.addLabel('kick', '#aa3300'))!;
    await edits.update(segment, { labelId: kick.id });
    assert.equal((await stored(recB))[0].label, 'kick');
    edits.undo(); // the relabel
    edits.undo(); // the label it made
    await edits.settled();
    assert.equal((await stored(recB))[0].label, segment.label);
    assert.ok(!last().labels.some((l) => l.name === 'kick'), 'the label is gone from what is shown');
    assert.ok(!(unwrap(await dispatch('labels.list', {})) as MethodResult<'labels.list'>).some((l) => l.name === 'kick'), 'and from the schema');
    edits.redo();
    edits.redo();
    await edits.settled();
    assert.deepEqual(
      last()
        .labels.filter((l) => l.name === 'kick')
        .map((l) => [l.id, l.color]),
      [[kick.id, '#aa3300']],
    );
    assert.equal((await stored(recB))[0].label, 'kick');
  });

  it('moves a segment kept on the sensor clock by its video times, written on the sensor clock', async () => {
    const { edits, last } = editsOf(recA);
    await edits.load();
    const made = unwrap(
      await dispatch('annotations.create', { recordingId: recA, labelId: labels[0], start: 5, end: 6, timeBase: 'sensor' }),
    ) as MethodResult<'annotations.create'>;
    await edits.load();
    const shown = last().annotations.find((x) => x.id === made.id)!;
    await edits.place(shown, 1, 2);
    const [saved] = await stored(recA);
    assert.ok(Math.abs(saved.start - videoToSensor(clockA, 1)) < 1e-9 && Math.abs(saved.end - videoToSensor(clockA, 2)) < 1e-9, JSON.stringify(saved));
    assert.ok(Math.abs(last().annotations[0].startVideo - 1) < 1e-9);
  });

  it('a refused save says why and shows what is stored; a reversed segment is refused before it is sent', async () => {
    const { edits, last } = editsOf(recB);
    await edits.load();
    const before = await stored(recB);
    calls.length = 0;
    assert.equal(await edits.place(last().annotations[0], 3, 2), null);
    assert.deepEqual(calls, [], 'nothing sent');
    assert.match(last().error ?? '', /ends after it starts/);
    assert.equal(await edits.update(last().annotations[0], { labelId: 9999 }), null);
    assert.match(last().error ?? '', /9999|label/);
    assert.deepEqual(await stored(recB), before);
    assert.deepEqual(
      last().annotations.map((a) => [a.start, a.end]),
      before.map((a) => [a.start, a.end]),
      'reloaded from the store',
    );
    assert.equal(last().canUndo, false, 'a failed save is no step to undo');
  });
});
