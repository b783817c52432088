import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../../main/random.ts';
import { StudioError } from '../../main/shared/errors.ts';
import { closeProject, createProject, discardCreatedProject, openOrCreateProject, openProject } from '../../main/store/project.ts';
import { latestSchemaVersion } from '../../main/store/schema.ts';
import { tempDir } from '../helpers/tmp.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const projectModule = new URL('../../main/store/project.ts', import.meta.url).href;

/** A child that creates projects p<round>-0.vskd, p<round>-1.vskd, ... in `dir` until killed; it says when it starts. */
function creatingChild(dir: string, round: number) {
  const script = `
    const { createProject, closeProject } = await import(${JSON.stringify(projectModule)});
    process.stdout.write('ready\\n');
    for (let i = 0; ; i++) await closeProject(await createProject(${JSON.stringify(dir)} + '/p${round}-' + i + '.vskd'));
  `;
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
}

describe('creating a project', () => {
  it('killed (-9) at random moments, leaves only whole projects', { timeout: 120_000 }, async () => {
    const dir = tempDir('vskd-create-kill-');
    const random = mulberry32(18);
    const rounds = 12;
    for (let round = 0; round < rounds; round++) {
      const child = creatingChild(dir, round);
      await new Promise<void>((resolve, reject) => {
        child.once('error', reject);
        child.stdout.once('data', () => resolve());
      });
      // one creation in (however loaded the machine), then anywhere inside another (each takes some tens of ms)
      for (let waited = 0; !existsSync(join(dir, `p${round}-0.vskd`)) && waited < 30_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, random() * 200));
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
    }
    const projects = readdirSync(dir).filter((f) => f.endsWith('.vskd'));
    assert.ok(projects.length >= rounds, `some projects were made: ${projects.length}`);
    for (const file of projects) {
      const project = await openProject(join(dir, file));
      const { user_version: version } = (await project.db.get<{ user_version: number }>('PRAGMA user_version'))!;
      assert.equal(version, latestSchemaVersion, `${file} is whole`);
      await closeProject(project);
    }
    // the kills landed inside creations: what they left is only ever under a temporary name...
    const leftovers = readdirSync(dir).filter((f) => f.includes('.creating'));
    assert.ok(leftovers.length > 0, 'some kill came in the middle of a creation');
    // ...which the next creation or opening of that name clears (a kill between link and unlink leaves both names)
    for (const left of leftovers) {
      const target = join(dir, left.replace(/\.\d+-[0-9a-f]+\.creating(-journal)?$/, ''));
      await closeProject(await (existsSync(target) ? openProject(target) : createProject(target)));
    }
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes('.creating')),
      [],
    );
  });

  it('refuses to replace a file, even one that appears while the project is being built', async () => {
    const dir = tempDir();
    const path = join(dir, 'race.vskd');
    const creating = createProject(path);
    writeFileSync(path, 'someone else');
    await assert.rejects(creating, (err: StudioError) => err.code === 'CONFLICT' && err.message.includes(path));
    assert.deepEqual(readdirSync(dir), ['race.vskd'], 'no temporary file left');
  });

  it('says whether it created the file, and removes only a project it created', async () => {
    const dir = tempDir();
    const path = join(dir, 'new.vskd');
    const made = await openOrCreateProject(path);
    assert.equal(made.created, true);
    await made.db.get('SELECT count(*) FROM recordings');
    assert.ok(existsSync(`${path}-wal`), 'open in WAL mode');
    await discardCreatedProject(made);
    assert.deepEqual(readdirSync(dir), [], 'the file and its WAL files are gone');

    await closeProject(await createProject(path));
    const opened = await openOrCreateProject(path);
    assert.equal(opened.created, false);
    await assert.rejects(discardCreatedProject(opened), (err: StudioError) => err instanceof StudioError && /not created by this call/.test(err.message));
    await closeProject(opened);
    assert.ok(existsSync(path));
  });
});
