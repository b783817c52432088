import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { createDispatcher } from '../../main/api/dispatch.ts';
import { createStudioService } from '../../main/api/service.ts';
import { main, maxMessageLength, oneLine } from '../../main/cli/main.ts';
import { apiCaller } from '../helpers/api.ts';
import { eventLog, resultOf } from '../helpers/events.ts';
import { fixtures, tempDir } from '../helpers/tmp.ts';

const bin = new URL('../../bin/vskd.js', import.meta.url).pathname;
const dir = tempDir();
const mat = join(fixtures, 'utd-mhad-mini', 'Inertial', 'a1_s1_t1_inertial.mat');

/** One command line in this process: its exit code and what it printed. */
async function vskd(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), interactive: false });
  return { code, out, err };
}

/** A failure reported in one line (no stack) that matches `message`. */
function failsWith(result: { code: number; err: string[] }, message: RegExp) {
  assert.equal(result.code, 1, result.err.join('\n'));
  assert.equal(result.err.length, 1, result.err.join('\n'));
  assert.ok(!result.err[0].includes('\n') && !/\bat .*\.ts:\d+/.test(result.err[0]), result.err[0]);
  assert.match(result.err[0], message);
}

describe('vskd: every error one line naming the file or field', () => {
  it('refuses a frame size beyond the contract instead of "Invalid typed array length"', async () => {
    failsWith(await vskd('frames', join(dir, 'any.mp4'), '--size', '100000', '--out', join(dir, 'f.npy')), /^vskd frames: media\.frames: size: .*512/);
  });

  it('checks where frames and gaf write before decoding anything', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    const missing = join(dir, 'missing');
    // the video does not exist: the output path is refused first
    failsWith(await vskd('frames', join(dir, 'none.mp4'), '--out', folder), new RegExp(`^vskd frames: out: ${folder} is a folder$`));
    failsWith(await vskd('frames', join(dir, 'none.mp4'), '--out', join(missing, 'x.npy')), new RegExp(`^vskd frames: out: folder ${missing} does not exist$`));
    failsWith(await vskd('gaf', mat, '--size', '8', '--method', 'summation', '--out', folder), new RegExp(`^vskd gaf: out: ${folder} is a folder$`));
    failsWith(
      await vskd('gaf', mat, '--size', '8', '--method', 'summation', '--out', join(dir, 'g.npy'), '--png', join(missing, 'g.png')),
      new RegExp(`^vskd gaf: png: folder ${missing} does not exist$`),
    );
    // nothing was written for the refused png: the .npy comes only with a png that can be written too
    assert.throws(() => readFileSync(join(dir, 'g.npy')), /ENOENT/);
  });

  it('cuts a message longer than a line', async () => {
    const deep = join(dir, 'd'.repeat(200), `${'p'.repeat(200)}.vskd`);
    const result = await vskd('info', deep);
    assert.equal(result.code, 1);
    assert.equal(result.err.length, 1);
    assert.ok(result.err[0].length <= maxMessageLength && result.err[0].endsWith('…'), result.err[0]);
    assert.equal(oneLine('first\n  second\r\nthird'), 'first second third');
  });

  it('ends quietly when the reader of its output goes away (vskd info P | head -3)', async () => {
    const project = join(dir, 'pipe.vskd');
    assert.equal((await vskd('import', 'sensor', join(fixtures, 'sensors', 'watch.tsv'), '--project', project)).code, 0);
    const child = spawn(process.execPath, [bin, 'info', project], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // as head does after its lines
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });

  describe('annotations export', () => {
    const project = join(dir, 'annotated.vskd');
    before(async () => {
      const log = eventLog();
      const service = createStudioService({ version: '0.0.0-test', emit: log.emit });
      const { call } = apiCaller(createDispatcher(service.handlers));
      await call('project.create', { path: project });
      const { job } = await call('import.sensor', { file: join(fixtures, 'sensors', 'watch.tsv'), options: { name: 'watch' } });
      const recordingId = resultOf(await log.ended(job), 'import.sensor').recordings![0].id;
      const label = await call('labels.create', { name: 'wave' });
      await call('annotations.create', { recordingId, labelId: label.id, start: 0.02, end: 0.08 });
      await service.dispose();
    });

    it('refuses to replace an existing file without --force, naming it, and replaces it with --force', async () => {
      const csv = join(dir, 'annotations.csv');
      writeFileSync(csv, 'mine\n');
      failsWith(await vskd('annotations', 'export', project, '--format', 'csv', '--out', csv), new RegExp(`${csv}: a file already exists there.*--force`));
      assert.equal(readFileSync(csv, 'utf8'), 'mine\n');
      const forced = await vskd('annotations', 'export', project, '--format', 'csv', '--out', csv, '--force');
      assert.equal(forced.code, 0, forced.err.join('\n'));
      assert.match(readFileSync(csv, 'utf8'), /wave/);
    });

    it('refuses an ELAN export into a folder where one target exists, writing none', async () => {
      const folder = join(dir, 'eaf');
      mkdirSync(folder);
      writeFileSync(join(folder, 'watch.eaf'), 'mine');
      failsWith(await vskd('annotations', 'export', project, '--format', 'eaf', '--out', folder), /watch\.eaf: a file already exists there/);
      assert.equal(readFileSync(join(folder, 'watch.eaf'), 'utf8'), 'mine');
      assert.equal((await vskd('annotations', 'export', project, '--format', 'eaf', '--out', folder, '--force')).code, 0);
      assert.match(readFileSync(join(folder, 'watch.eaf'), 'utf8'), /ANNOTATION_DOCUMENT/);
    });
  });
});
