import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createAnnotation } from '../../main/store/annotations.ts';
import { createLabel } from '../../main/store/labels.ts';
import { closeProject } from '../../main/store/project.ts';
import { tempDir } from '../helpers/tmp.ts';
import { annotatedProject } from './fixture.ts';

const bin = new URL('../../bin/vskd.js', import.meta.url).pathname;
const dir = tempDir();

function vskd(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('vskd annotations', () => {
  it('lists, exports and imports with --dry-run, reporting conflicts', async () => {
    const { project, recA } = await annotatedProject(dir, 'cli.vskd');
    const wave = await createLabel(project.db, { name: 'wave' });
    await createAnnotation(project.db, { recordingId: recA, labelId: wave.id, start: 1, end: 2 });
    await createAnnotation(project.db, { recordingId: recA, labelId: wave.id, start: 5.5, end: 6, timeBase: 'sensor', note: 'late' });
    await closeProject(project);

    const list = vskd('annotations', 'list', project.path, '--recording', 'rec_a');
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, /rec_a\s+1\.000\s+2\.000\s+video\s+wave/);
    assert.match(list.out, /rec_a\s+5\.500\s+6\.000\s+sensor\s+3\.000–3\.499\s+wave {2}\(late\)/);

    const eafDir = join(dir, 'eaf');
    const exported = vskd('annotations', 'export', project.path, '--format', 'eaf', '--out', eafDir);
    assert.equal(exported.code, 0, exported.err);
    assert.match(exported.out, /exported 2 annotation\(s\) of 2 recording\(s\) to 2 files/);
    assert.ok(existsSync(join(eafDir, 'rec_a.eaf')), 'rec_a.eaf was written');

    const incoming = join(dir, 'incoming.csv');
    writeFileSync(incoming, 'recording,label,start,end\nrec_a,clap,1.5,3\nrec_b,clap,1,2\n');
    const dry = vskd('annotations', 'import', project.path, incoming, '--dry-run');
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, /would add 1 annotation\(s\) from 1 file\(s\); skipped 0 already present; 1 conflict\(s\)/);
    assert.match(dry.out, /would create label\(s\): clap/);
    assert.match(dry.out, /incoming\.csv:2: rec_a clap 1\.500–3\.000 s \(video\) overlaps annotation \d+, wave 1\.000–2\.000 s/);
    assert.match(dry.out, /nothing stored/);
    const json = JSON.parse(vskd('annotations', 'import', project.path, incoming, '--json').out);
    assert.deepEqual([json.added, json.conflicts.length], [1, 1]);
    assert.match(vskd('annotations', 'list', project.path).out, /rec_b\s+1\.000\s+2\.000\s+video\s+clap/);

    const misuse = vskd('annotations', 'export', project.path, '--format', 'xml', '--out', eafDir);
    assert.equal(misuse.code, 2);
    assert.match(misuse.err, /--format is one of csv, eaf/);
    const bad = vskd('annotations', 'import', project.path, join(dir, 'missing.csv'));
    assert.equal(bad.code, 1);
    assert.match(bad.err, /missing\.csv: no such file/);
  });
});
