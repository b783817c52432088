import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { StudioError } from '../../main/shared/errors.ts';
import { Database } from '../../main/store/db.ts';
import { migrate, schemaVersion } from '../../main/store/migrate.ts';
import { migrations, type Migration } from '../../main/store/schema.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
let n = 0;
const fresh = () => Database.open(join(dir, `m${n++}.db`), { create: true });

const v1: Migration = { version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER);' };
const v2: Migration = { version: 2, name: 'two', sql: 'ALTER TABLE a ADD COLUMN y TEXT; CREATE TABLE b (z INTEGER);' };
const brokenV3: Migration = { version: 3, name: 'broken', sql: 'CREATE TABLE c (w INTEGER); INSERT INTO no_such_table VALUES (1);' };

async function tables(db: Database): Promise<string[]> {
  return (await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((r) => r.name);
}

describe('migrations', () => {
  it('apply in order from an empty file and from an older version', async () => {
    const db = await fresh();
    assert.deepEqual(await migrate(db, [v1]), { from: 0, to: 1 });
    await db.run('INSERT INTO a (x) VALUES (7)');
    assert.deepEqual(await migrate(db, [v1, v2]), { from: 1, to: 2 });
    assert.equal(await schemaVersion(db), 2);
    assert.deepEqual(await tables(db), ['a', 'b']);
    assert.deepEqual(await db.all('SELECT x, y FROM a'), [{ x: 7, y: null }]);
    assert.deepEqual(await migrate(db, [v1, v2]), { from: 2, to: 2 }); // nothing to do
    await db.close();
  });

  it('roll a failing step back whole and keep the version before it', async () => {
    const db = await fresh();
    await migrate(db, [v1, v2]);
    await assert.rejects(migrate(db, [v1, v2, brokenV3]), /no_such_table/);
    assert.equal(await schemaVersion(db), 2);
    assert.deepEqual(await tables(db), ['a', 'b']); // table c of the broken step is gone too
    await db.close();
  });

  it('refuse a file newer than the code', async () => {
    const db = await fresh();
    await migrate(db, [v1, v2]);
    await assert.rejects(migrate(db, [v1]), (err: StudioError) => err.code === 'SCHEMA_TOO_NEW' && /version 2/.test(err.message));
    await db.close();
  });

  it('bring a project file of version 1 to the leases table of version 2, keeping its rows', async () => {
    const db = await fresh();
    await migrate(db, migrations.slice(0, 1));
    await db.run("INSERT INTO labels (name) VALUES ('wave')");
    assert.deepEqual(await migrate(db, migrations.slice(0, 2)), { from: 1, to: 2 });
    const columns = await db.all<{ name: string; type: string; pk: number }>('SELECT name, type, pk FROM pragma_table_info(?)', ['leases']);
    assert.deepEqual(
      columns.map((c) => `${c.name} ${c.type}${c.pk ? ' key' : ''}`),
      ['resource TEXT key', 'holder TEXT', 'pid INTEGER', 'host TEXT', 'since TEXT'],
    );
    assert.deepEqual(await db.all('SELECT name FROM labels'), [{ name: 'wave' }]);
    await db.close();
  });
});
