import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createDispatcher } from '../../main/api/dispatch.ts';
import { createStudioService } from '../../main/api/service.ts';
import { maxFolderEntries } from '../../main/shared/contract.ts';
import { apiCaller } from '../helpers/api.ts';
import { eventLog } from '../helpers/events.ts';
import { tempDir } from '../helpers/tmp.ts';

const { call, failure } = apiCaller(createDispatcher(createStudioService({ version: 'test', emit: eventLog().emit }).handlers));

describe('files.list: the web mode file browser', () => {
  it('lists folders first, then files with their sizes, hiding dotfiles unless asked', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'videos'));
    mkdirSync(join(dir, 'Sensors'));
    writeFileSync(join(dir, 'b10.csv'), 'x\n1\n');
    writeFileSync(join(dir, 'b9.csv'), 'x\n');
    writeFileSync(join(dir, '.hidden'), '');
    symlinkSync(join(dir, 'videos'), join(dir, 'link-to-videos'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'broken-link'));
    const listing = await call('files.list', { dir });
    assert.equal(listing.dir, dir);
    assert.equal(listing.home, homedir());
    assert.equal(listing.parent, join(dir, '..'));
    assert.deepEqual(
      listing.entries.map((e) => [e.name, e.kind, e.bytes]),
      [
        ['link-to-videos', 'folder', null],
        ['Sensors', 'folder', null],
        ['videos', 'folder', null],
        ['b9.csv', 'file', 2],
        ['b10.csv', 'file', 4],
      ],
    );
    assert.deepEqual([listing.total, listing.truncated], [5, false]);
    const all = await call('files.list', { dir, hidden: true });
    assert.ok(all.entries.some((e) => e.name === '.hidden'));
  });

  it('starts at home and stops at the root', async () => {
    assert.equal((await call('files.list', {})).dir, homedir());
    assert.equal((await call('files.list', { dir: '/' })).parent, null);
  });

  it(`lists at most ${maxFolderEntries} entries and says how many there are`, async () => {
    const dir = tempDir();
    for (let i = 0; i < maxFolderEntries + 7; i++) writeFileSync(join(dir, `f${i}.txt`), '');
    const listing = await call('files.list', { dir });
    assert.deepEqual([listing.entries.length, listing.total, listing.truncated], [maxFolderEntries, maxFolderEntries + 7, true]);
  });

  it('refuses what is not a folder, naming the field', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.csv'), '');
    const notFolder = await failure('files.list', { dir: join(dir, 'a.csv') });
    assert.deepEqual([notFolder.code, notFolder.field], ['INVALID_ARGUMENT', 'dir']);
    assert.match(notFolder.message, /a\.csv is a file, not a folder/);
    const missing = await failure('files.list', { dir: join(dir, 'missing') });
    assert.deepEqual([missing.code, missing.field], ['NOT_FOUND', 'dir']);
    const relative = await failure('files.list', { dir: 'some/where' });
    assert.match(relative.message, /^dir: some\/where is not an absolute path$/);
    assert.equal((await failure('files.list', { dir: '' })).field, 'dir');
    assert.equal((await failure('files.list', { dir, extra: 1 })).code, 'INVALID_ARGUMENT');
  });
});
