/**
 * Streams added to recordings that already exist (a transcoded video, a derived stream), with the
 * source files they were made from.
 */
import { StudioError } from '../shared/errors.ts';
import type { Database, Queryable } from './db.ts';
import type { SourceInput, StreamInput } from './recordings.ts';
import { writeSamples } from './samples.ts';

/**
 * Adds the sources and streams to recording `recordingId` in one transaction. A source whose role
 * the recording already has is replaced (a re-made file has a new checksum); a stream whose name it
 * already has is a CONFLICT, and then nothing is stored. Returns the new streams' ids.
 */
export async function addStreams(db: Database, recordingId: number, sources: SourceInput[], streams: StreamInput[]): Promise<number[]> {
  return db.transaction(async (tx) => {
    const recording = await tx.get<{ name: string }>('SELECT name FROM recordings WHERE id = ?', [recordingId]);
    if (!recording) throw new StudioError('NOT_FOUND', `no recording with id ${recordingId}`, { field: 'recordingId' });
    for (const source of sources) {
      await tx.run(
        `INSERT INTO sources (recording_id, role, path, sha256, bytes) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (recording_id, role) DO UPDATE SET path = excluded.path, sha256 = excluded.sha256, bytes = excluded.bytes`,
        [recordingId, source.role, source.path, source.sha256, source.bytes],
      );
    }
    const ids: number[] = [];
    for (const stream of streams) {
      const clash = await tx.get('SELECT id FROM streams WHERE recording_id = ? AND name = ?', [recordingId, stream.name]);
      if (clash) throw new StudioError('CONFLICT', `${recording.name} already has a stream named ${stream.name}`, { field: 'name' });
      if (stream.kind === 'sensor' && !stream.samples) {
        throw new StudioError('INVALID_ARGUMENT', `${recording.name}: sensor stream ${stream.name} has no samples`, { field: 'samples' });
      }
      const sourceId = stream.sourceRole ? await sourceIdOf(tx, recordingId, stream.sourceRole) : null;
      const { lastID } = await tx.run(
        'INSERT INTO streams (recording_id, kind, name, source_id, rate, length, channels, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [recordingId, stream.kind, stream.name, sourceId, stream.rate, stream.length, JSON.stringify(stream.channels ?? []), JSON.stringify(stream.meta ?? {})],
      );
      if (stream.samples) await writeSamples(tx, lastID, stream.samples, stream.dtype);
      ids.push(lastID);
    }
    return ids;
  });
}

async function sourceIdOf(tx: Queryable, recordingId: number, role: string): Promise<number | null> {
  const row = await tx.get<{ id: number }>('SELECT id FROM sources WHERE recording_id = ? AND role = ?', [recordingId, role]);
  return row?.id ?? null;
}

/** The recordings (name → id) that have no stream named `streamName`. */
export async function recordingsWithoutStream(db: Queryable, streamName: string): Promise<Map<string, number>> {
  const rows = await db.all<{ id: number; name: string }>(
    'SELECT r.id, r.name FROM recordings r WHERE NOT EXISTS (SELECT 1 FROM streams s WHERE s.recording_id = r.id AND s.name = ?) ORDER BY r.id',
    [streamName],
  );
  return new Map(rows.map((r) => [r.name, r.id]));
}

/** The file a stream was read from (its source), or null for a stream without one. */
export async function streamSourcePath(db: Queryable, streamId: number): Promise<string | null> {
  const row = await db.get<{ path: string }>('SELECT s.path FROM streams t JOIN sources s ON s.id = t.source_id WHERE t.id = ?', [streamId]);
  return row?.path ?? null;
}

/** Sets `patch`'s keys in stream `streamId`'s meta (a video's proxy once it is made), keeping the others. */
export async function updateStreamMeta(db: Database, streamId: number, patch: Record<string, unknown>): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await tx.get<{ meta: string }>('SELECT meta FROM streams WHERE id = ?', [streamId]);
    if (!row) throw new StudioError('NOT_FOUND', `no stream with id ${streamId}`, { field: 'streamId' });
    await tx.run('UPDATE streams SET meta = ? WHERE id = ?', [JSON.stringify({ ...JSON.parse(row.meta), ...patch }), streamId]);
  });
}
