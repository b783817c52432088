/**
 * Sensor samples are stored as one row-major blob per stream (float32 unless asked otherwise),
 * plus float64 timestamps only when the stream is irregular.
 */
import { StudioError } from '../shared/errors.ts';
import type { Queryable } from './db.ts';

export type SampleDtype = 'f4' | 'f8';

export interface SensorSamples {
  rows: number;
  cols: number;
  /** row-major rows × cols */
  data: Float32Array | Float64Array;
  /** seconds from the stream's start, one per row; null when the rate is uniform */
  timestamps?: Float64Array | null;
}

function bytesOf(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/** A copy into a fresh, aligned buffer: a blob read back from SQLite can start at any byte. */
function copyInto<T extends Float32Array | Float64Array>(blob: Buffer, make: (n: number) => T): T {
  const out = make(blob.byteLength / make(0).BYTES_PER_ELEMENT);
  new Uint8Array(out.buffer).set(blob);
  return out;
}

export async function writeSamples(db: Queryable, streamId: number, samples: SensorSamples, dtype: SampleDtype = 'f4'): Promise<void> {
  const { rows, cols } = samples;
  if (samples.data.length !== rows * cols) {
    throw new StudioError('INVALID_ARGUMENT', `samples: ${samples.data.length} values for ${rows}×${cols}`, { field: 'samples' });
  }
  if (samples.timestamps && samples.timestamps.length !== rows) {
    throw new StudioError('INVALID_ARGUMENT', `timestamps: ${samples.timestamps.length} for ${rows} rows`, { field: 'timestamps' });
  }
  const data = dtype === 'f4' ? Float32Array.from(samples.data) : Float64Array.from(samples.data);
  await db.run('INSERT INTO sensor_samples (stream_id, dtype, rows, cols, data, timestamps) VALUES (?, ?, ?, ?, ?, ?)', [
    streamId,
    dtype,
    rows,
    cols,
    bytesOf(data),
    samples.timestamps ? bytesOf(samples.timestamps) : null,
  ]);
}

export async function readSamples(db: Queryable, streamId: number): Promise<SensorSamples & { data: Float64Array }> {
  const row = await db.get<{ dtype: SampleDtype; rows: number; cols: number; data: Buffer; timestamps: Buffer | null }>(
    'SELECT dtype, rows, cols, data, timestamps FROM sensor_samples WHERE stream_id = ?',
    [streamId],
  );
  if (!row) throw new StudioError('NOT_FOUND', `stream ${streamId} has no sensor samples`, { field: 'streamId' });
  const stored = row.dtype === 'f4' ? copyInto(row.data, (n) => new Float32Array(n)) : copyInto(row.data, (n) => new Float64Array(n));
  return {
    rows: row.rows,
    cols: row.cols,
    data: stored instanceof Float64Array ? stored : Float64Array.from(stored),
    timestamps: row.timestamps ? copyInto(row.timestamps, (n) => new Float64Array(n)) : null,
  };
}
