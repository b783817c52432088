import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import sqlite3 from 'sqlite3';
import { StudioError } from '../../main/shared/errors.ts';
import { APPLICATION_ID, closeProject, createProject, openProject } from '../../main/store/project.ts';
import { latestSchemaVersion } from '../../main/store/schema.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();

function rawExec(path: string, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(path, (err) => {
      if (err) return reject(err);
      db.exec(sql, (e) => db.close(() => (e ? reject(e) : resolve())));
    });
  });
}

describe('project file', () => {
  it('is created with the latest schema, foreign keys on and WAL', async () => {
    const path = join(dir, 'new.vskd');
    const project = await createProject(path);
    assert.equal(project.path, path);
    assert.equal((await project.db.get<{ user_version: number }>('PRAGMA user_version'))?.user_version, latestSchemaVersion);
    assert.equal((await project.db.get<{ application_id: number }>('PRAGMA application_id'))?.application_id, APPLICATION_ID);
    assert.equal((await project.db.get<{ foreign_keys: number }>('PRAGMA foreign_keys'))?.foreign_keys, 1);
    assert.equal((await project.db.get<{ journal_mode: string }>('PRAGMA journal_mode'))?.journal_mode, 'wal');
    await closeProject(project);
    const again = await openProject(path);
    assert.equal((await again.db.get<{ foreign_keys: number }>('PRAGMA foreign_keys'))?.foreign_keys, 1);
    await closeProject(again);
  });

  it('refuses to create over an existing file', async () => {
    const path = join(dir, 'exists.vskd');
    writeFileSync(path, 'x');
    await assert.rejects(createProject(path), (err: StudioError) => err.code === 'CONFLICT' && err.message.includes(path));
  });

  it('refuses a missing file, a non-SQLite file and a foreign SQLite file', async () => {
    await assert.rejects(openProject(join(dir, 'nope.vskd')), (err: StudioError) => err.code === 'NOT_FOUND' && err.message.includes('nope.vskd'));
    const text = join(dir, 'text.vskd');
    writeFileSync(text, 'hello, this is not a database at all');
    await assert.rejects(openProject(text), (err: StudioError) => err.code === 'BAD_INPUT' && /not an SQLite file/.test(err.message));
    const foreign = join(dir, 'foreign.db');
    await rawExec(foreign, 'CREATE TABLE t (x)');
    await assert.rejects(openProject(foreign), (err: StudioError) => err.code === 'BAD_INPUT' && /not a VSKD project/.test(err.message));
  });

  it('refuses a project written by a newer schema, and leaves it untouched', async () => {
    const path = join(dir, 'future.vskd');
    await closeProject(await createProject(path));
    await rawExec(path, `PRAGMA user_version = ${latestSchemaVersion + 3}`);
    await assert.rejects(openProject(path), (err: StudioError) => {
      assert.equal(err.code, 'SCHEMA_TOO_NEW');
      assert.match(err.message, new RegExp(`schema version ${latestSchemaVersion + 3}`));
      assert.match(err.message, /update VSKD Studio/);
      return true;
    });
    await rawExec(path, 'SELECT 1'); // still a readable database
  });
});
