import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { importUtdMhad } from '../../main/datasets/utdMhad.ts';
import { StudioError } from '../../main/shared/errors.ts';
import { parseMat, requireVariable } from '../../main/sensors/mat.ts';
import { writeMat } from '../../main/sensors/matWriter.ts';
import { closeProject, createProject, openProject } from '../../main/store/project.ts';
import { listRecordings } from '../../main/store/recordings.ts';
import { projectSummary } from '../../main/store/summary.ts';
import { fixtures, tempDir } from '../helpers/tmp.ts';

const mini = join(fixtures, 'utd-mhad-mini');
const dir = tempDir();
let n = 0;
const freshPath = () => join(dir, `h${n++}.vskd`);

function copyOfMini(): string {
  const copy = join(tempDir(), 'utd');
  cpSync(mini, copy, { recursive: true });
  return copy;
}

function oneLine(file: string, problem: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof StudioError, String(err));
    assert.equal(err.code, 'BAD_INPUT', err.message);
    assert.ok(err.message.includes(file), err.message);
    assert.ok(!err.message.includes('\n'), err.message);
    assert.match(err.message, problem);
    return true;
  };
}

describe('UTD-MHAD import, hardened', () => {
  it('two imports into one project at once: the second skips what the first wrote', async () => {
    const path = freshPath();
    await closeProject(await createProject(path));
    // two connections, as two processes would have: both read the files before either writes
    const [a, b] = [await openProject(path), await openProject(path)];
    const [first, second] = await Promise.all([importUtdMhad(a, mini), importUtdMhad(b, mini)]);
    assert.equal(first.imported + second.imported, 4);
    const skipped = [...first.skipped, ...second.skipped];
    assert.equal(skipped.length, 4);
    assert.ok(
      skipped.every((s) => s.reason === 'already in the project'),
      JSON.stringify(skipped),
    );
    assert.deepEqual(
      (await listRecordings(a.db)).map((r) => r.name),
      ['a1_s1_t1', 'a1_s2_t1', 'a2_s1_t1', 'a2_s2_t1'],
    );
    await closeProject(a);
    await closeProject(b);
  });

  it('refuses a skeleton with NaN joints as it refuses NaN inertial data, and writes nothing', async () => {
    const copy = copyOfMini();
    const file = join(copy, 'Skeleton', 'a1_s2_t1_skeleton.mat');
    const skel = requireVariable(parseMat(readFileSync(file), file), 'd_skel', file);
    for (const [name, nanAt] of [
      ['all NaN', () => true],
      ['one NaN', (i: number) => i === 61],
    ] as const) {
      const data = Float64Array.from(skel.data, (v, i) => (nanAt(i) ? NaN : v));
      writeFileSync(file, writeMat([{ name: 'd_skel', className: 'double', dims: skel.dims, data }]));
      const project = await createProject(freshPath());
      await assert.rejects(importUtdMhad(project, copy), oneLine(file, /d_skel has a non-finite value \(NaN\) at joint/), name);
      assert.equal((await projectSummary(project.db)).recordings, 0);
      await closeProject(project);
    }
  });

  it('a folder named like an inertial file is a one-line error naming it, also in the skipBad report', async () => {
    const copy = copyOfMini();
    const file = join(copy, 'Inertial', 'a2_s1_t1_inertial.mat');
    rmSync(file);
    mkdirSync(file);
    const project = await createProject(freshPath());
    await assert.rejects(importUtdMhad(project, copy), oneLine(file, /is a folder, expected a MAT-file/));
    const report = await importUtdMhad(project, copy, { skipBad: true });
    assert.equal(report.imported, 3);
    assert.deepEqual(report.skipped, [{ name: 'a2_s1_t1', reason: `${file}: is a folder, expected a MAT-file` }]);
    await closeProject(project);
  });

  it('refuses an inertial file over the row limit before inflating it, and writes nothing', async () => {
    const copy = copyOfMini();
    const file = join(copy, 'Inertial', 'a1_s1_t1_inertial.mat');
    // 1.2 million rows of zeros: 58 MB inflated, a few tens of KB compressed
    writeFileSync(file, writeMat([{ name: 'd_iner', className: 'double', dims: [1_200_000, 6], data: new Float64Array(7_200_000) }]));
    const project = await createProject(freshPath());
    await assert.rejects(
      importUtdMhad(project, copy),
      oneLine(file, /d_iner is 1200000×6: a dimension of 1200000, over the limit of 1000000 \(maxDimension\)/),
    );
    assert.equal((await projectSummary(project.db)).recordings, 0);
    await closeProject(project);
  });
});
