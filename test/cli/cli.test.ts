import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { commands } from '../../main/cli/main.ts';
import { decodeNpy } from '../../main/formats/npy.ts';
import { gafFromRows } from '../../main/shared/gaf.ts';
import { parseMat, requireVariable, toRowMajor2D } from '../../main/sensors/mat.ts';
import { fixtures, tempDir } from '../helpers/tmp.ts';

const bin = new URL('../../bin/vskd.js', import.meta.url).pathname;
const dir = tempDir();
const mini = join(fixtures, 'utd-mhad-mini');

function vskd(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('vskd command line', () => {
  it('lists its commands and has --help for each', async () => {
    const overview = vskd('--help');
    assert.equal(overview.code, 0);
    for (const entry of commands) {
      assert.ok(overview.out.includes(entry.path.join(' ')), entry.path.join(' '));
      const help = vskd(...entry.path, '--help');
      assert.equal(help.code, 0);
      assert.ok(help.out.includes(`Usage: ${(await entry.load()).usage}`));
    }
  });

  it('exits 2 with the usage for a wrong call', () => {
    const unknown = vskd('frobnicate');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown command "frobnicate"/);
    const missing = vskd('gaf', join(mini, 'Inertial', 'a1_s1_t1_inertial.mat'), '--size', '16');
    assert.equal(missing.code, 2);
    assert.match(missing.err, /--method/);
    const badOption = vskd('info', 'x.vskd', '--colour');
    assert.equal(badOption.code, 2);
  });

  it('imports UTD-MHAD and describes the project', () => {
    const project = join(dir, 'u.vskd');
    const imported = vskd('import', 'utd-mhad', mini, '--project', project);
    assert.equal(imported.code, 0, imported.err);
    assert.match(imported.out, /imported 4 recordings/);
    const info = vskd('info', project);
    assert.equal(info.code, 0, info.err);
    assert.match(info.out, /recordings\s+4 from 2 subject/);
    assert.match(info.out, /4 depth, 4 sensor, 4 skeleton/);
    const json = JSON.parse(vskd('info', project, '--json').out);
    assert.equal(json.recordings, 4);
    assert.equal(json.labels, 2);
  });

  it('imports a sensor file and fails clearly on a bad one', () => {
    const project = join(dir, 's.vskd');
    const ok = vskd('import', 'sensor', join(fixtures, 'sensors', 'watch.tsv'), '--project', project, '--label', 'wave');
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /imported watch/);
    const bad = join(dir, 'backwards.csv');
    writeFileSync(bad, 'time,x,y,z\n0.00,1,2,3\n0.02,1,2,3\n0.01,1,2,3\n0.03,1,2,3\n');
    const failed = vskd('import', 'sensor', bad, '--project', project);
    assert.equal(failed.code, 1);
    assert.ok(failed.err.includes(bad), failed.err);
    assert.doesNotMatch(failed.err, /\n\s+at /); // a message, not a stack trace
    assert.match(vskd('info', project).out, /recordings\s+1 /);
  });

  it('writes the GAF of a UTD-MHAD inertial file as [3, N, N] float32', () => {
    const mat = join(mini, 'Inertial', 'a2_s1_t1_inertial.mat');
    const out = join(dir, 'g.npy');
    const png = join(dir, 'g.png');
    const run = vskd('gaf', mat, '--size', '32', '--method', 'difference', '--out', out, '--png', png);
    assert.equal(run.code, 0, run.err);
    const { data, shape, dtype } = decodeNpy(readFileSync(out), out);
    assert.deepEqual(shape, [3, 32, 32]);
    assert.equal(dtype, 'float32');
    const iner = toRowMajor2D(requireVariable(parseMat(readFileSync(mat), mat), 'd_iner', mat));
    const expected = gafFromRows(iner.data, iner.rows, iner.cols, [0, 1, 2], { size: 32, method: 'difference' });
    assert.deepEqual(Array.from(data as Float32Array), Array.from(expected));
    assert.deepEqual([...readFileSync(png).subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
  });
});
