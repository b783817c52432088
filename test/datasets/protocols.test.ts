import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { splitByProtocol, type ProtocolRecording } from '../../main/datasets/protocols.ts';
import { importUtdMhad } from '../../main/datasets/utdMhad.ts';
import type { StudioError } from '../../main/shared/errors.ts';
import { createDataset, datasetMembers, findDataset, listDatasets } from '../../main/store/datasets.ts';
import { createProject } from '../../main/store/project.ts';
import { listRecordings } from '../../main/store/recordings.ts';
import { fixtures, tempDir } from '../helpers/tmp.ts';

/** 3 actions × 4 subjects × 4 trials, like a small UTD-MHAD. */
const grid: ProtocolRecording[] = [];
for (let a = 1; a <= 3; a++)
  for (let s = 1; s <= 4; s++)
    for (let t = 1; t <= 4; t++) grid.push({ id: grid.length + 1, name: `a${a}_s${s}_t${t}`, subject: String(s), trial: t, label: `action ${a}` });

const byId = new Map(grid.map((r) => [r.id, r]));

describe('protocols', () => {
  it('cross-subject: odd subjects train (with validation carved from them), even subjects test', () => {
    const members = splitByProtocol(grid, 'cross-subject', { valFraction: 0.25, seed: 3 });
    assert.equal(members.length, grid.length);
    for (const m of members) {
      const r = byId.get(m.recordingId)!;
      assert.equal(m.split === 'test', Number(r.subject) % 2 === 0, r.name);
    }
    const val = members.filter((m) => m.split === 'val').map((m) => byId.get(m.recordingId)!);
    assert.equal(val.length, 6); // a quarter of each action's 8 training recordings
    for (let a = 1; a <= 3; a++) assert.equal(val.filter((r) => r.label === `action ${a}`).length, 2);
  });

  it('reads subject numbers written as s3 or S03', () => {
    const named = grid.map((r) => ({ ...r, subject: `s${r.subject}` }));
    assert.deepEqual(splitByProtocol(named, 'cross-subject'), splitByProtocol(grid, 'cross-subject'));
  });

  it('subject-specific: trials 1–2 train, 3–4 test', () => {
    const members = splitByProtocol(grid, 'subject-specific', { valFraction: 0 });
    for (const m of members) assert.equal(m.split, byId.get(m.recordingId)!.trial! <= 2 ? 'train' : 'test');
  });

  it('draws the same validation set from the same seed, another from another seed', () => {
    const val = (seed: number) =>
      splitByProtocol(grid, 'cross-subject', { seed })
        .filter((m) => m.split === 'val')
        .map((m) => m.recordingId);
    assert.deepEqual(val(7), val(7));
    assert.notDeepEqual(val(7), val(8));
  });

  it('refuses recordings without the fields the protocol needs', () => {
    const noSubject = [{ ...grid[0], subject: 'left wrist' }];
    assert.throws(
      () => splitByProtocol(noSubject, 'cross-subject'),
      (err: StudioError) => err.code === 'BAD_INPUT' && /a1_s1_t1 has no numeric subject \("left wrist"\)/.test(err.message),
    );
    assert.throws(() => splitByProtocol([{ ...grid[0], label: null }], 'subject-specific'), /no action label/);
    assert.throws(
      () => splitByProtocol(grid, 'cross-subject', { valFraction: 1 }),
      (err: StudioError) => err.detail.field === 'valFraction',
    );
  });

  it('stores a dataset with its members, and refuses a second one of the same name', async () => {
    const project = await createProject(join(tempDir(), 'd.vskd'));
    await importUtdMhad(project, join(fixtures, 'utd-mhad-mini'));
    const members = splitByProtocol(await listRecordings(project.db), 'cross-subject', { valFraction: 0 });
    const id = await createDataset(project.db, { name: 'xs', protocol: 'cross-subject', members });
    assert.deepEqual((await findDataset(project.db, 'xs')).counts, { train: 2, val: 0, test: 2 });
    assert.deepEqual(await datasetMembers(project.db, id), members);
    await assert.rejects(createDataset(project.db, { name: 'xs', protocol: 'cross-subject', members }), (err: StudioError) => err.code === 'CONFLICT');
    await assert.rejects(createDataset(project.db, { name: 'bad', protocol: 'x', members: [{ recordingId: 999, split: 'train' }] }), /FOREIGN KEY/);
    assert.equal((await listDatasets(project.db)).length, 1); // the failed one left nothing
  });
});
