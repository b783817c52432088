import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { importUtdMhad, readActionNames, scanUtdMhad } from '../../main/datasets/utdMhad.ts';
import type { StudioError } from '../../main/shared/errors.ts';
import { parseMat, requireVariable, toRowMajor2D } from '../../main/sensors/mat.ts';
import { writeMat } from '../../main/sensors/matWriter.ts';
import { createProject } from '../../main/store/project.ts';
import { listRecordings } from '../../main/store/recordings.ts';
import { readSamples } from '../../main/store/samples.ts';
import { projectSummary } from '../../main/store/summary.ts';
import { fixtures, tempDir } from '../helpers/tmp.ts';

const mini = join(fixtures, 'utd-mhad-mini');
const dir = tempDir();
let n = 0;
const fresh = () => createProject(join(dir, `u${n++}.vskd`));

/** A writable copy of the mini dataset, to break. */
function copyOfMini(): string {
  const copy = join(tempDir(), 'utd');
  cpSync(mini, copy, { recursive: true });
  return copy;
}

describe('UTD-MHAD import', () => {
  it('reads the action names and finds every sequence', async () => {
    const actions = await readActionNames(mini);
    assert.equal(actions.size, 27);
    assert.equal(actions.get(1), 'right arm swipe to the left');
    const sequences = await scanUtdMhad(mini);
    assert.deepEqual(
      sequences.map((s) => s.name),
      ['a1_s1_t1', 'a1_s2_t1', 'a2_s1_t1', 'a2_s2_t1'],
    );
    assert.deepEqual(Object.keys(sequences[0].files).sort(), ['depth', 'inertial', 'skeleton']);
  });

  it('creates one recording per sequence with label, subject, trial and three streams', async () => {
    const project = await fresh();
    const progress: number[] = [];
    const report = await importUtdMhad(project, mini, { onProgress: (done) => progress.push(done) });
    assert.equal(report.imported, 4);
    assert.deepEqual(report.missing, []);
    assert.equal(progress.at(-1), 4);
    const recordings = await listRecordings(project.db);
    const first = recordings[0];
    assert.equal(first.name, 'a1_s1_t1');
    assert.equal(first.label, 'right arm swipe to the left');
    assert.equal(first.subject, '1');
    assert.equal(first.trial, 1);
    const byKind = Object.fromEntries(first.streams.map((s) => [s.kind, s]));
    assert.deepEqual(
      byKind.sensor.channels.map((c) => c.unit),
      ['g', 'g', 'g', 'deg/s', 'deg/s', 'deg/s'],
    );
    assert.equal(byKind.sensor.rate, 50);
    assert.deepEqual(byKind.depth.meta, { height: 240, width: 320, variable: 'd_depth' });
    assert.equal(byKind.skeleton.meta.joints, 20);
    assert.equal((byKind.skeleton.meta.jointNames as string[]).length, 20);

    // the stored samples are d_iner, row for row
    const path = join(mini, 'Inertial', 'a1_s1_t1_inertial.mat');
    const expected = toRowMajor2D(requireVariable(parseMat(readFileSync(path), path), 'd_iner', path));
    const stored = await readSamples(project.db, byKind.sensor.id);
    assert.equal(byKind.sensor.length, expected.rows);
    assert.equal(stored.rows, expected.rows);
    for (let i = 0; i < expected.data.length; i++) assert.ok(Math.abs(stored.data[i] - expected.data[i]) < 1e-5);

    // a second import adds nothing
    const again = await importUtdMhad(project, mini);
    assert.equal(again.imported, 0);
    assert.equal(again.skipped.length, 4);
    assert.equal((await projectSummary(project.db)).recordings, 4);
  });

  it('reports sequences and files that are missing', async () => {
    const copy = copyOfMini();
    rmSync(join(copy, 'Inertial', 'a2_s2_t1_inertial.mat'));
    rmSync(join(copy, 'Depth', 'a2_s2_t1_depth.mat'));
    rmSync(join(copy, 'Skeleton', 'a2_s2_t1_skeleton.mat'));
    rmSync(join(copy, 'Depth', 'a1_s2_t1_depth.mat'));
    const report = await importUtdMhad(await fresh(), copy);
    assert.equal(report.imported, 3);
    assert.deepEqual(report.missing, ['a1_s2_t1 depth', 'a2_s2_t1']);
  });

  it('fails on a truncated file, naming it, and writes nothing', async () => {
    const copy = copyOfMini();
    const bad = join(copy, 'Inertial', 'a2_s1_t1_inertial.mat');
    writeFileSync(bad, readFileSync(bad).subarray(0, 1000));
    const project = await fresh();
    await assert.rejects(importUtdMhad(project, copy), (err: StudioError) => {
      assert.equal(err.code, 'BAD_INPUT');
      assert.ok(err.message.includes(bad), err.message);
      return true;
    });
    assert.equal((await projectSummary(project.db)).recordings, 0);
    assert.equal((await projectSummary(project.db)).labels, 0);

    const skipping = await importUtdMhad(project, copy, { skipBad: true });
    assert.equal(skipping.imported, 3);
    assert.equal(skipping.skipped[0].name, 'a2_s1_t1');
  });

  it('writes nothing when cancelled while reading, even with skipBad', async () => {
    const project = await fresh();
    const stop = new AbortController();
    // the first sequence read: the others are being read at once, so the cancel comes before the write
    await assert.rejects(importUtdMhad(project, mini, { skipBad: true, signal: stop.signal, onProgress: () => stop.abort() }), (err: StudioError) => {
      assert.equal(err.code, 'CANCELLED');
      assert.match(err.message, /UTD-MHAD import of .*utd-mhad-mini cancelled while reading its files: nothing was written/);
      return true;
    });
    assert.equal((await projectSummary(project.db)).recordings, 0);
    assert.equal((await projectSummary(project.db)).labels, 0);
    assert.equal((await importUtdMhad(project, mini)).imported, 4, 'importing again imports every sequence');
  });

  it('refuses a folder without actions.tsv or without data', async () => {
    const copy = copyOfMini();
    rmSync(join(copy, 'actions.tsv'));
    await assert.rejects(importUtdMhad(await fresh(), copy), (err: StudioError) => err.code === 'NOT_FOUND' && /actions\.tsv/.test(err.message));
    const empty = tempDir();
    writeFileSync(join(empty, 'actions.tsv'), 'a1\twave\n');
    await assert.rejects(importUtdMhad(await fresh(), empty), (err: StudioError) => err.code === 'NOT_FOUND' && /no UTD-MHAD files/.test(err.message));
  });

  describe('refuses a bad inertial file, naming the file and the problem, and writes nothing', () => {
    const column = (rows: number, cols: number, at?: { index: number; value: number }) => {
      const data = Array.from({ length: rows * cols }, (_, i) => Math.sin(i));
      if (at) data[at.index] = at.value;
      return data;
    };
    const cases: [string, Buffer, RegExp][] = [
      [
        'NaN',
        writeMat([{ name: 'd_iner', className: 'double', dims: [50, 6], data: column(50, 6, { index: 7, value: NaN }) }]),
        /non-finite value \(NaN\) at row 8, column 1/,
      ],
      [
        'Inf',
        writeMat([{ name: 'd_iner', className: 'double', dims: [50, 6], data: column(50, 6, { index: 120, value: Infinity }) }]),
        /non-finite value \(Infinity\)/,
      ],
      ['wrong shape', writeMat([{ name: 'd_iner', className: 'double', dims: [50, 5], data: column(50, 5) }]), /d_iner has shape 50×5/],
      ['missing variable', writeMat([{ name: 'd_acc', className: 'double', dims: [50, 6], data: column(50, 6) }]), /d_iner/],
      ['too few rows', writeMat([{ name: 'd_iner', className: 'double', dims: [2, 6], data: column(2, 6) }]), /2 rows; at least 3/],
      ['empty file', Buffer.alloc(0), /empty|too short|header/i],
      ['not a MAT-file', Buffer.from('a1,a2,a3\n1,2,3\n'.repeat(20)), /MAT/],
    ];
    for (const [name, bytes, problem] of cases) {
      it(name, async () => {
        const copy = copyOfMini();
        const bad = join(copy, 'Inertial', 'a1_s2_t1_inertial.mat');
        writeFileSync(bad, bytes);
        const project = await fresh();
        await assert.rejects(importUtdMhad(project, copy), (err: StudioError) => {
          assert.equal(err.code, 'BAD_INPUT');
          assert.ok(err.message.includes(bad), err.message);
          assert.match(err.message, problem);
          return true;
        });
        assert.equal((await projectSummary(project.db)).recordings, 0);
      });
    }
  });
});
