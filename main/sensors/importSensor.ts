/** A generic sensor file (CSV/TSV/text) as a new recording with one sensor stream. */
import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { StudioError, throwIfCancelled } from '../shared/errors.ts';
import { sha256 } from '../files/checksum.ts';
import type { Project } from '../store/project.ts';
import { addRecordings, getRecording, type RecordingSummary } from '../store/recordings.ts';
import { parseDelimited, type DelimitedOptions } from './delimited.ts';

export interface SensorImportOptions extends DelimitedOptions {
  /** the recording's name (default: the file's name without its extension) */
  name?: string;
  label?: string;
  subject?: string;
  /** stops the import before it writes: a cancelled import stores nothing */
  signal?: AbortSignal;
}

export async function importSensorFile(project: Project, file: string, opts: SensorImportOptions = {}): Promise<RecordingSummary> {
  const path = resolve(file);
  const bytes = await readFile(path).catch((err: NodeJS.ErrnoException) => {
    throw new StudioError('NOT_FOUND', `${path}: cannot read: ${err.code ?? err.message}`, { file: path });
  });
  const table = parseDelimited(bytes.toString('utf8'), path, opts);
  throwIfCancelled(opts.signal, `import of ${path} cancelled: nothing was written`);
  const [id] = await addRecordings(project.db, [
    {
      name: opts.name ?? basename(path, extname(path)),
      subject: opts.subject ?? null,
      label: opts.label ? { name: opts.label } : null,
      sources: [{ role: 'sensor', path, sha256: sha256(bytes), bytes: bytes.byteLength }],
      streams: [
        {
          kind: 'sensor',
          name: 'sensor',
          rate: table.rate,
          length: table.rows,
          channels: table.channels,
          meta: { startTime: table.startTime, regular: table.regular },
          sourceRole: 'sensor',
          // Regular timestamps are fully described by the rate; irregular ones are kept.
          samples: { rows: table.rows, cols: table.channels.length, data: table.data, timestamps: table.regular ? null : table.timestamps },
        },
      ],
    },
  ]);
  return getRecording(project.db, id);
}
