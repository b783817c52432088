import type { ParseArgsConfig } from 'node:util';
import type { EventPayload } from '../shared/contract.ts';
import type { StudioClient } from './client.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** A command's module: what `--help` prints and what it runs. */
export interface Command {
  usage: string;
  /** option lines for --help */
  help: string;
  /** how many positional arguments it takes */
  positionals: number;
  options: OptionSpec;
  /** parses its options, calls the studio's methods, prints */
  run(positionals: string[], values: OptionValues, io: CliIO, studio: StudioClient): Promise<void>;
}

/** A command as the overview lists it; its module is imported only when it runs or shows its help. */
export interface CommandEntry {
  /** words that select it, e.g. ['import', 'utd-mhad'] */
  path: string[];
  summary: string;
  load(): Promise<Command>;
}

export interface CliIO {
  out: (line: string) => void;
  err: (line: string) => void;
  /** whether stderr is a terminal (progress bars only there) */
  interactive: boolean;
}

/** An error in how the command was called (exit code 2, with the usage line). */
export class UsageError extends Error {}

export function requireString(values: OptionValues, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

export function optionalString(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function optionalNumber(values: OptionValues, name: string): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} takes a number, got ${JSON.stringify(value)}`);
  return n;
}

/** A whole number of at least `min`, or undefined when the option is not given. */
export function optionalWhole(values: OptionValues, name: string, min = 0): number | undefined {
  const n = optionalNumber(values, name);
  if (n !== undefined && !(Number.isInteger(n) && n >= min)) throw new UsageError(`--${name} takes a whole number ≥ ${min}, got ${n}`);
  return n;
}

/** One of `allowed`, or undefined when the option is not given. */
export function oneOf<T extends string>(values: OptionValues, name: string, allowed: readonly T[]): T | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} is one of ${allowed.join(', ')}`);
  return allowed.find((a) => a === value);
}

/** A comma list of `allowed` ("gaf,raw"), or undefined when the option is not given. */
export function listOf<T extends string>(values: OptionValues, name: string, allowed: readonly T[]): T[] | undefined {
  const value = optionalString(values, name);
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0 || items.some((i) => !(allowed as readonly string[]).includes(i))) throw new UsageError(`--${name} lists ${allowed.join(', ')}`);
  return allowed.filter((a) => items.includes(a));
}

/** "a,b,2" → ['a', 'b', 2]: names stay strings, whole numbers become column indices. */
export function columnList(value: string | undefined): (string | number)[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean)
    .map((c) => (/^\d+$/.test(c) ? Number(c) : c));
}

/** A job's progress as a bar on a terminal (nothing elsewhere), with its ETA. */
/** why a job made nothing, as the CLI says it (doneResult's `failure`): its title, how it ended and its error */
export function jobFailure(end: EventPayload<'job.ended'>): string {
  return `${end.title}: ${end.status}${end.error ? `: ${end.error}` : ''}`;
}

export function progressBar(io: CliIO, label: string) {
  let last = '';
  return ({ done, total, etaSeconds }: Pick<EventPayload<'job.progress'>, 'done' | 'total' | 'etaSeconds'>) => {
    if (!io.interactive || total === 0) return;
    const pct = Math.min(100, Math.floor((done / total) * 100));
    const eta = etaSeconds !== null && done < total ? `  eta ${Math.ceil(etaSeconds)} s` : '';
    const line = `${label} [${'#'.repeat(Math.round(pct * 0.3)).padEnd(30, '.')}] ${done}/${total}${eta}`;
    if (line === last) return;
    last = line;
    process.stderr.write(`\r${line}\x1b[K${done === total ? '\n' : ''}`);
  };
}

/** Decodes the base64 of little-endian float32 values that the API answers with. */
export function float32Of(base64: string): Float32Array {
  // copied: a Buffer may sit at an offset of its pool that a Float32Array cannot start at
  return new Float32Array(Uint8Array.from(Buffer.from(base64, 'base64')).buffer);
}
