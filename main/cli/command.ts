import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Command {
  /** words that select it, e.g. ['import', 'utd-mhad'] */
  path: string[];
  summary: string;
  usage: string;
  /** option lines for --help */
  help: string;
  /** how many positional arguments it takes */
  positionals: number;
  options: OptionSpec;
  run(positionals: string[], values: OptionValues, io: CliIO): Promise<void>;
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

export function optionalNumber(values: OptionValues, name: string): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} takes a number, got ${JSON.stringify(value)}`);
  return n;
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

export function progressBar(io: CliIO, label: string) {
  let last = -1;
  return (done: number, total: number) => {
    if (!io.interactive) return;
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (pct === last) return;
    last = pct;
    const width = 30;
    const filled = Math.round((pct / 100) * width);
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
  };
}
