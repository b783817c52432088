import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { breadcrumbs, folderOf, hasExtension, joinPath, shownEntries, sizeText, type FolderEntry } from '../../renderer/src/lib/fileBrowser.ts';

const entries: FolderEntry[] = [
  { name: 'videos', kind: 'folder', bytes: null },
  { name: 'wrist.CSV', kind: 'file', bytes: 1200 },
  { name: 'take.mp4', kind: 'file', bytes: 5_400_000 },
  { name: 'notes.txt', kind: 'file', bytes: 12 },
];

describe('the web mode file browser', () => {
  it('walks paths as the studio writes them', () => {
    assert.deepEqual(breadcrumbs('/home/ana/data'), [
      { name: '/', path: '/' },
      { name: 'home', path: '/home' },
      { name: 'ana', path: '/home/ana' },
      { name: 'data', path: '/home/ana/data' },
    ]);
    assert.deepEqual(breadcrumbs('/'), [{ name: '/', path: '/' }]);
    assert.deepEqual(
      breadcrumbs('C:\\Users\\ana').map((c) => c.path),
      ['C:\\', 'C:\\Users', 'C:\\Users\\ana'],
    );
    assert.equal(joinPath('/', 'home'), '/home');
    assert.equal(joinPath('/home/ana', 'a.csv'), '/home/ana/a.csv');
    assert.equal(folderOf('/home/ana/a.csv'), '/home/ana');
    assert.equal(folderOf('/a.csv'), '/');
    assert.equal(folderOf('C:\\a.csv'), 'C:\\');
  });

  it('shows folders always and files by extension and name', () => {
    const names = (list: FolderEntry[]) => list.map((e) => e.name);
    assert.deepEqual(names(shownEntries(entries, 'file', ['csv', '.TXT'])), ['videos', 'wrist.CSV', 'notes.txt']);
    assert.deepEqual(names(shownEntries(entries, 'file', [])), ['videos', 'wrist.CSV', 'take.mp4', 'notes.txt']);
    assert.deepEqual(names(shownEntries(entries, 'folder', [])), ['videos']);
    assert.deepEqual(names(shownEntries(entries, 'file', [], 'TA')), ['take.mp4']);
    assert.equal(hasExtension('archive.csv.gz', ['csv']), false);
  });

  it('writes sizes as people read them', () => {
    assert.deepEqual([null, 12, 1200, 5_400_000, 73_000_000_000].map(sizeText), ['', '12 B', '1.2 kB', '5.4 MB', '73 GB']);
  });
});
