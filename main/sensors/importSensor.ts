/** A generic sensor file (CSV/TSV/text) as a new recording with one sensor stream. */
import { basename, extname, resolve } from 'node:path';
import { throwIfCancelled } from '../shared/errors.ts';
import { sha256 } from '../files/checksum.ts';
import type { Project } from '../store/project.ts';
import { addRecordings, getRecording, type RecordingSummary, type StreamInput } from '../store/recordings.ts';
import { parseDelimited, type DelimitedOptions, type SensorTable } from './delimited.ts';
import { invalidOption, readSensorText, resolveLimits } from './sensorText.ts';
import { tableSeconds } from './siblings.ts';

export interface SensorImportOptions extends DelimitedOptions {
  /** the recording's name (default: the file's name without its extension) */
  name?: string;
  label?: string;
  subject?: string;
  /** the session or repetition, a whole number ≥ 0 */
  trial?: number;
  /** stops the import before it writes: a cancelled import stores nothing */
  signal?: AbortSignal;
}

export interface SensorImport {
  recording: RecordingSummary;
  /** what the file may get wrong without being refused (units, full scale, rate), each naming the file */
  warnings: string[];
  /** the recording's length, for comparing it with the others of a folder (siblings.ts) */
  seconds: number;
}

export async function importSensorFile(project: Project, file: string, opts: SensorImportOptions = {}): Promise<SensorImport> {
  const path = resolve(file);
  if (opts.trial !== undefined && !(Number.isSafeInteger(opts.trial) && opts.trial >= 0)) {
    throw invalidOption(path, 'trial', `must be a whole number ≥ 0, got ${String(opts.trial)}`);
  }
  const { bytes, text } = await readSensorText(path, resolveLimits(path, opts).maxFileBytes);
  const table = parseDelimited(text, path, opts);
  throwIfCancelled(opts.signal, `import of ${path} cancelled: nothing was written`);
  const [id] = await addRecordings(project.db, [
    {
      name: opts.name ?? basename(path, extname(path)),
      subject: opts.subject ?? null,
      trial: opts.trial ?? null,
      label: opts.label ? { name: opts.label } : null,
      sources: [{ role: 'sensor', path, sha256: sha256(bytes), bytes: bytes.byteLength }],
      streams: [tableStream(table, 'sensor', 'sensor')],
    },
  ]);
  return { recording: await getRecording(project.db, id), warnings: table.warnings, seconds: tableSeconds(table) };
}

/** A parsed sensor file as a recording's stream named `name`, its samples from the source of `role`. */
export function tableStream(table: SensorTable, name: string, role: string): StreamInput {
  return {
    kind: 'sensor',
    name,
    rate: table.rate,
    length: table.rows,
    channels: table.channels,
    meta: {
      startTime: table.startTime,
      regular: table.regular,
      // what the timestamps say (rate in Hz, jitter in s), also when a given rate overrides them
      ...(table.clock && { timeColumn: table.clock.column, rateEstimate: table.clock.rate, jitter: table.clock.jitter }),
    },
    sourceRole: role,
    // regular timestamps are fully described by the rate; irregular ones are kept
    samples: { rows: table.rows, cols: table.channels.length, data: table.data, timestamps: table.regular ? null : table.timestamps },
  };
}
