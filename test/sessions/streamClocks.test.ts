/** Schema 4: a clock model per sensor stream, for several wearables in one recording; it goes with its stream. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { closeProject, createProject } from '../../main/store/project.ts';
import { addRecordings } from '../../main/store/recordings.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('vskd-stream-clocks-');

describe('stream_alignments', () => {
  it('holds one model per sensor stream, removed with its stream', async () => {
    const project = await createProject(join(dir, 'clocks.vskd'));
    const samples = { rows: 3, cols: 1, data: new Float64Array([1, 2, 3]) };
    const sensor = (name: string) => ({ kind: 'sensor' as const, name, rate: 50, length: 3, channels: [{ name: 'x', unit: 'g' }], samples });
    const [id] = await addRecordings(project.db, [{ name: 'two wearables', sources: [], streams: [sensor('wrist'), sensor('ankle')] }]);
    const streams = await project.db.all<{ id: number }>('SELECT id FROM streams WHERE recording_id = ? ORDER BY id', [id]);
    for (const [i, { id: streamId }] of streams.entries()) {
      await project.db.run("INSERT INTO stream_alignments (stream_id, offset_s, drift, method) VALUES (?, ?, ?, 'manual')", [
        streamId,
        1.5 * (i + 1),
        1e-4 * i,
      ]);
    }
    await assert.rejects(project.db.run('INSERT INTO stream_alignments (stream_id) VALUES (?)', [streams[0].id]), /UNIQUE|PRIMARY KEY/, 'one model per stream');
    await project.db.run('DELETE FROM streams WHERE id = ?', [streams[0].id]);
    assert.deepEqual(await project.db.all('SELECT stream_id, offset_s, drift FROM stream_alignments'), [
      { stream_id: streams[1].id, offset_s: 3, drift: 1e-4 },
    ]);
    await closeProject(project);
  });
});
