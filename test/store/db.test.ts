import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Database } from '../../main/store/db.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('database transactions', () => {
  it('roll back every statement of a failed transaction', async () => {
    const db = await Database.open(join(tempDir(), 't.db'), { create: true });
    await db.exec('CREATE TABLE t (x INTEGER NOT NULL)');
    await db.run('INSERT INTO t VALUES (1)');
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO t VALUES (2)');
        await tx.run('INSERT INTO t VALUES (NULL)'); // NOT NULL fails
      }),
      /NOT NULL/,
    );
    assert.deepEqual(await db.all('SELECT x FROM t'), [{ x: 1 }]);
    await db.close();
  });

  it('keep statements issued meanwhile out of an open transaction', async () => {
    const db = await Database.open(join(tempDir(), 'q.db'), { create: true });
    await db.exec('CREATE TABLE t (x INTEGER)');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const failing = db.transaction(async (tx) => {
      await tx.run('INSERT INTO t VALUES (1)');
      await gate;
      throw new Error('abort');
    });
    const outside = db.run('INSERT INTO t VALUES (2)'); // queued behind the transaction
    release();
    await assert.rejects(failing, /abort/);
    await outside;
    assert.deepEqual(await db.all('SELECT x FROM t'), [{ x: 2 }]);
    await db.close();
  });
});
