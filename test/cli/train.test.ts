/**
 * The training commands end to end on the tiny project: teacher, baseline student, a distilled student
 * with a loss weight from the command line, eval and report, each through bin/vskd.js.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { closeProject, openProject } from '../../main/store/project.ts';
import { getRun, listRuns } from '../../main/store/runs.ts';
import { tempDir } from '../helpers/tmp.ts';
import { tinyProject } from '../train/tinyProject.ts';

const bin = new URL('../../bin/vskd.js', import.meta.url).pathname;
const small = ['--dataset', 'tiny', '--epochs', '1', '--batch', '4', '--backend', 'wasm'];
const student = ['--width', '0.125', '--gaf-size', '16'];

function vskd(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

function succeeds(...args: string[]): string {
  const result = vskd(...args);
  assert.equal(result.code, 0, `vskd ${args.join(' ')}\n${result.out}\n${result.err}`);
  return result.out;
}

describe('vskd train, distill, eval, report', () => {
  it('trains a teacher and two students, evaluates one and tabulates them', { timeout: 300_000 }, async () => {
    const { path } = await tinyProject(tempDir());
    const teacher = succeeds('train', 'teacher', path, ...small);
    assert.match(teacher, /^preparing poses \(\d+\)$/m, 'the preparation announced');
    assert.match(teacher, /^poses ready in \d+\.\d s$/m, 'the preparation finished');
    assert.match(teacher, /^epoch 1\/1 .*\[wasm\]$/m);
    assert.match(teacher, /^run 1 done on wasm/m);

    succeeds('train', 'student', path, ...small, ...student);
    const distilled = succeeds('distill', path, ...small, ...student, '--teacher', '1', '--method', 'at', '--at-weight', '8');
    assert.match(distilled, /^run 3 done on wasm(, \d+ threads)? in .*test accuracy/m);
    assert.match(distilled, /attention \d/, 'the AT term logged');

    const project = await openProject(path);
    try {
      const run = await getRun(project.db, 3);
      assert.deepEqual((run.config as { loss: unknown }).loss, { atWeight: 8 });
      assert.equal(run.method, 'at');
    } finally {
      await closeProject(project);
    }

    const evaluation = JSON.parse(succeeds('eval', path, '3', '--json')) as { accuracy: number; confusion: number[][]; classes: string[] };
    assert.deepEqual(evaluation.classes.toSorted(), ['fast', 'slow']);
    assert.equal(
      evaluation.confusion.flat().reduce((a, b) => a + b, 0),
      8,
      'the 8 test recordings',
    );
    assert.ok(evaluation.accuracy >= 0 && evaluation.accuracy <= 1, `accuracy ${evaluation.accuracy}`);

    const report = succeeds('report', path);
    // the AT weight changed from its default makes its own row
    for (const row of [/\| teacher \(pose\) \|/, /\| baseline \|/, /\| at \(atWeight 8\) \|/]) assert.match(report, row);
  });

  it('refuses a bad loss weight or method before storing a run', async () => {
    const { path } = await tinyProject(tempDir());
    const negative = vskd('distill', path, ...small, '--teacher', '1', '--method', 'sp', '--sp-weight=-3');
    assert.notEqual(negative.code, 0);
    assert.match(negative.err, /runs.start: spWeight: Too small: expected number to be >=0/);
    const unknown = vskd('distill', path, ...small, '--teacher', '1', '--method', 'fitnet');
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.err, /--method is one of st, at, sp, dask/);
    const project = await openProject(path);
    try {
      assert.deepEqual(await listRuns(project.db), [], 'no run stored');
    } finally {
      await closeProject(project);
    }
  });
});
