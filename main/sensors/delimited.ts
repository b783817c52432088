/**
 * Generic sensor text files (CSV, TSV, whitespace-separated text) → a validated sensor table.
 *
 * Detection rules, each overridable through DelimitedOptions:
 * - Lines: blank lines and lines whose first non-blank character is `#` are skipped; CRLF and a
 *   UTF-8 BOM are accepted. A double-quoted cell may contain the delimiter; the quotes are dropped.
 * - Delimiter: over the first 10 rows, the first of tab, `;`, `,` that occurs the same (non-zero)
 *   number of times on every row; if none is that consistent, the first of them found on the first
 *   row (the column-count check then names the ragged line); otherwise runs of spaces and tabs.
 *   One delimiter ending a line ("1,2,3,") adds no column.
 * - Header: the first row is a header when any of its cells is not a number (nan/inf count as
 *   numbers here, so that they are reported as bad values rather than taken for names). Without
 *   a header the columns are named col0, col1, … (0-based, like column indices).
 * - Time column: the first column whose name, without a unit suffix such as `_ms` or `(s)`, is
 *   t, time, timestamp, time_stamp, elapsed, elapsed_time, epoch, unix_time (or is only a unit:
 *   s, sec, seconds, ms, millis, …). Headerless files have none unless `timeCol` names an index.
 * - Time unit: a name ending in ms/msec/millis → ms; us/micros → µs; ns/nanos → ns; a separated
 *   s/sec/seconds ("time_s", "time (s)") → s. Otherwise by the median step between rows: a median
 *   step ≥ 0.5 means milliseconds, because in seconds it would be ≤ 2 Hz, implausible for an
 *   accelerometer.
 * - Channels: every column but the time column (a detected time column is left out even when
 *   `rate` is given; then its values are ignored). Units: `units`, else a bracketed unit in the
 *   name ("acc_x (m/s^2)"), else 'g' for names containing "acc", 'deg/s' for "gyr", else ''.
 * - Timing: with `rate`, rows are taken as uniform at that rate. With timestamps, times become
 *   seconds from the first sample; they are regular when every step is within 1% (or 1e-6 s) of the
 *   median step, and the rate is 1 / median step either way.
 * Only the time column and the chosen channels are parsed as numbers; other columns may hold text.
 */
import { readFile } from 'node:fs/promises';
import { StudioError, badInput } from '../shared/errors.ts';

export interface SensorChannel {
  name: string;
  unit: string;
}

export interface SensorTable {
  file: string;
  channels: SensorChannel[];
  rows: number;
  /** row-major, rows × channels */
  data: Float64Array;
  /** seconds from the first sample; null when the rate was given instead */
  timestamps: Float64Array | null;
  /** absolute time of the first sample in seconds (0 when unknown) */
  startTime: number;
  rate: number;
  regular: boolean;
}

export interface DelimitedOptions {
  /** one character, or tab / comma / semicolon / whitespace (runs of spaces and tabs) */
  delimiter?: string;
  header?: boolean;
  /** a column name or 0-based index */
  timeCol?: string | number;
  timeUnit?: 's' | 'ms';
  /** samples per second, for files without timestamps */
  rate?: number;
  /** column names or 0-based indices (default: every column but the time column) */
  cols?: (string | number)[];
  /** one unit per chosen column */
  units?: string[];
  /** the fewest data rows accepted (default 3) */
  minRows?: number;
}

const TAB = 9;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
/** The delimiter code that means "runs of spaces and tabs". */
const WHITESPACE = -1;
const DETECTED_DELIMITERS = [TAB, ';'.charCodeAt(0), ','.charCodeAt(0)];
const SNIFF_ROWS = 10;
const DEFAULT_MIN_ROWS = 3;
/** Relative and absolute (seconds) tolerance of a step against the median for "regular". */
const REGULAR_STEP_TOLERANCE = 0.01;
const REGULAR_STEP_SLACK_S = 1e-6;
/** A median step this large cannot be seconds for an accelerometer (≤ 2 Hz): it is milliseconds. */
const MS_STEP_THRESHOLD = 0.5;

const UNIT_SUFFIX =
  /[\s_-]*[([]?\s*(s|secs?|seconds|ms|msecs?|millis|milliseconds|us|µs|μs|usecs?|micros|microseconds|ns|nsecs?|nanos|nanoseconds)\s*[)\]]?$/;
const TIME_BASES = new Set(['', 't', 'time', 'timestamp', 'time_stamp', 'elapsed', 'elapsed_time', 'epoch', 'unix_time', 'unixtime']);
/** Time-name suffix → units per second, tried in order. */
const NAME_TIME_UNITS: [RegExp, number][] = [
  [/(ms|msecs?|millis|milliseconds)$/, 1e3],
  [/(us|µs|μs|usecs?|micros|microseconds)$/, 1e6],
  [/(ns|nsecs?|nanos|nanoseconds)$/, 1e9],
  [/(^|[^a-z])(s|secs?|seconds)$/, 1],
];
const BRACKETED_UNIT = /[([]\s*([^()[\]]+?)\s*[)\]]\s*$/;
const NAN_LITERAL = /^[+-]?nan$/i;
const INF_LITERAL = /^[+-]?inf(inity)?$/i;

interface Options {
  delimiter: number | undefined;
  header: boolean | undefined;
  timeCol: string | number | undefined;
  /** time units per second, when given */
  timeScale: number | undefined;
  rate: number | undefined;
  cols: (string | number)[] | undefined;
  units: string[] | undefined;
  minRows: number;
}

interface Layout {
  /** index of the time column to read, -1 when the rate was given */
  timeIndex: number;
  /** time units per second, from the option or the column name; undefined → decide by the step */
  timeScale: number | undefined;
  channelIndex: number[];
  channels: SensorChannel[];
}

export function parseDelimited(text: string, file: string, opts: DelimitedOptions = {}): SensorTable {
  const options = checkOptions(file, opts);
  if (text.slice(0, 4096).includes('\0')) {
    throw badInput(file, 'contains NUL bytes: it is binary or UTF-16, not UTF-8 text (save it as UTF-8 CSV)');
  }
  const cursor = new LineCursor(text);
  if (!cursor.next()) {
    throw badInput(file, text.trim() === '' ? 'the file is empty' : 'the file has only comment lines, no rows');
  }
  const splitter = new FieldSplitter(text, options.delimiter ?? detectDelimiter(text));
  const firstCount = splitter.split(cursor.start, cursor.end);
  const hasHeader = options.header ?? !rowIsNumeric(splitter);
  const headerLine = cursor.line;
  const names = hasHeader ? headerNames(splitter) : Array.from({ length: firstCount }, (_, i) => `col${i}`);
  const layout = chooseColumns(file, names, headerLine, hasHeader, options);
  const hasRows = hasHeader ? cursor.next() : true;
  return readRows(text, file, cursor, hasRows, splitter, names, headerLine, layout, options);
}

export async function readDelimitedFile(path: string, opts: DelimitedOptions = {}): Promise<SensorTable> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw readError(path, err as NodeJS.ErrnoException);
  }
  if (bytes.length === 0) throw badInput(path, 'the file is empty (0 bytes)');
  return parseDelimited(decodeText(path, bytes), path, opts);
}

function readError(path: string, err: NodeJS.ErrnoException): StudioError {
  if (err.code === 'ENOENT') return new StudioError('NOT_FOUND', `${path}: no such file`, { file: path });
  if (err.code === 'EISDIR') return badInput(path, 'is a directory, not a sensor file');
  return badInput(path, `cannot read the file (${err.code ?? err.message})`);
}

/** UTF-8 (BOM or not) or, as some Windows tools write, UTF-16 with a BOM. */
function decodeText(path: string, bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.toString('utf16le', 2);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    if (bytes.length % 2 !== 0) throw badInput(path, 'is truncated UTF-16 text (odd number of bytes)');
    return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  }
  return bytes.toString('utf8');
}

// ---------------------------------------------------------------------------------------------
// Options

function invalidOption(file: string, field: string, problem: string): StudioError {
  return new StudioError('INVALID_ARGUMENT', `${file}: option ${field}: ${problem}`, { file, field });
}

function checkOptions(file: string, opts: DelimitedOptions): Options {
  const { rate, timeCol, timeUnit, cols, units } = opts;
  if (rate !== undefined && !(typeof rate === 'number' && Number.isFinite(rate) && rate > 0)) {
    throw invalidOption(file, 'rate', `must be a positive number of samples per second, got ${String(rate)}`);
  }
  if (rate !== undefined && timeCol !== undefined) {
    throw invalidOption(file, 'rate', 'give either a sampling rate or a time column, not both');
  }
  if (timeUnit !== undefined && timeUnit !== 's' && timeUnit !== 'ms') {
    throw invalidOption(file, 'timeUnit', `must be 's' or 'ms', got ${JSON.stringify(timeUnit)}`);
  }
  if (timeCol !== undefined) checkColumnRef(file, 'timeCol', timeCol);
  if (cols !== undefined) {
    if (!Array.isArray(cols) || cols.length === 0) throw invalidOption(file, 'cols', 'must list at least one column');
    for (const col of cols) checkColumnRef(file, 'cols', col);
  }
  if (units !== undefined && (!Array.isArray(units) || units.some((u) => typeof u !== 'string'))) {
    throw invalidOption(file, 'units', 'must be a list of unit names');
  }
  const minRows = opts.minRows ?? DEFAULT_MIN_ROWS;
  if (!Number.isInteger(minRows) || minRows < 2) {
    throw invalidOption(file, 'minRows', `must be a whole number ≥ 2, got ${String(minRows)}`);
  }
  return {
    delimiter: opts.delimiter === undefined ? undefined : delimiterCode(file, opts.delimiter),
    header: opts.header,
    timeCol,
    timeScale: timeUnit === undefined ? undefined : timeUnit === 'ms' ? 1e3 : 1,
    rate,
    cols,
    units,
    minRows,
  };
}

function checkColumnRef(file: string, field: string, ref: unknown): void {
  if (typeof ref === 'string' ? ref.trim() === '' : !(typeof ref === 'number' && Number.isInteger(ref) && ref >= 0)) {
    throw invalidOption(file, field, `${JSON.stringify(ref)} is neither a column name nor a 0-based column index`);
  }
}

function delimiterCode(file: string, delimiter: unknown): number {
  if (typeof delimiter !== 'string') throw invalidOption(file, 'delimiter', `must be text, got ${String(delimiter)}`);
  const named: Record<string, number> = { tab: TAB, '\\t': TAB, comma: 44, semicolon: 59, whitespace: WHITESPACE, space: WHITESPACE };
  const code = named[delimiter.toLowerCase()];
  if (code !== undefined) return code;
  if (delimiter.length === 1 && !/[\w.+\-"#\r\n]/.test(delimiter)) return delimiter === ' ' ? WHITESPACE : delimiter.charCodeAt(0);
  throw invalidOption(file, 'delimiter', `${JSON.stringify(delimiter)} cannot separate numbers; use one character such as , ; tab or whitespace`);
}

// ---------------------------------------------------------------------------------------------
// Lines and cells

const isBlank = (c: number): boolean => c === SPACE || c === TAB;

/** Walks the text line by line, skipping blank and `#` comment lines; `line` is 1-based. */
class LineCursor {
  start = 0;
  end = 0;
  line = 0;
  private pos: number;

  constructor(private readonly text: string) {
    this.pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  }

  next(): boolean {
    const text = this.text;
    while (this.pos < text.length) {
      const start = this.pos;
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      this.pos = end + 1;
      this.line++;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      let first = start;
      while (first < end && isBlank(text.charCodeAt(first))) first++;
      if (first === end || text.charCodeAt(first) === HASH) continue;
      this.start = start;
      this.end = end;
      return true;
    }
    return false;
  }
}

/** Splits one line into cells without allocating: cell k is text[bounds[2k], bounds[2k+1]). */
class FieldSplitter {
  count = 0;
  bounds = new Int32Array(64);
  private readonly delimiterChar: string;
  /** Without any quote in the file, cells can be cut at every delimiter. */
  private readonly quoted: boolean;
  private searchedFrom = Infinity;
  private found = -1;

  constructor(
    private readonly text: string,
    private readonly delimiter: number,
  ) {
    this.delimiterChar = String.fromCharCode(Math.max(delimiter, 0));
    this.quoted = text.includes('"');
  }

  split(start: number, end: number): number {
    this.count = 0;
    if (this.delimiter === WHITESPACE) this.splitWhitespace(start, end);
    else this.splitOn(start, end);
    return this.count;
  }

  cell(k: number): string {
    return this.text.slice(this.bounds[2 * k], this.bounds[2 * k + 1]);
  }

  private splitOn(start: number, end: number): void {
    if (this.quoted) this.splitQuoted(start, end);
    else this.splitUnquoted(start, end);
    const last = 2 * this.count - 2;
    if (this.count > 1 && this.bounds[last] === this.bounds[last + 1]) this.count--;
  }

  /** The common case, a file without quotes: the native indexOf finds each delimiter. */
  private splitUnquoted(start: number, end: number): void {
    let cellStart = start;
    for (let i = this.delimiterFrom(start); i >= 0 && i < end; i = this.delimiterFrom(i + 1)) {
      this.push(cellStart, i);
      cellStart = i + 1;
    }
    this.push(cellStart, end);
  }

  /**
   * The first delimiter at or after `from` (-1: none). The last search's answer is reused while
   * it still lies ahead, so lines without the delimiter do not rescan the rest of the file.
   */
  private delimiterFrom(from: number): number {
    if (from < this.searchedFrom || (this.found !== -1 && this.found < from)) {
      this.found = this.text.indexOf(this.delimiterChar, from);
      this.searchedFrom = from;
    }
    return this.found;
  }

  private splitQuoted(start: number, end: number): void {
    const { text, delimiter } = this;
    let cellStart = start;
    let quoted = false;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) quoted = !quoted;
      else if (c === delimiter && !quoted) {
        this.push(cellStart, i);
        cellStart = i + 1;
      }
    }
    this.push(cellStart, end);
  }

  private splitWhitespace(start: number, end: number): void {
    const text = this.text;
    let i = start;
    for (;;) {
      while (i < end && isBlank(text.charCodeAt(i))) i++;
      if (i >= end) return;
      const cellStart = i;
      let quoted = false;
      for (; i < end; i++) {
        const c = text.charCodeAt(i);
        if (c === QUOTE) quoted = !quoted;
        else if (!quoted && isBlank(c)) break;
      }
      this.push(cellStart, i);
    }
  }

  /** Records a cell, trimmed of spaces and tabs and of one pair of surrounding quotes. */
  private push(start: number, end: number): void {
    const text = this.text;
    while (start < end && isBlank(text.charCodeAt(start))) start++;
    while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
    if (end - start >= 2 && text.charCodeAt(start) === QUOTE && text.charCodeAt(end - 1) === QUOTE) {
      start++;
      end--;
    }
    if (2 * this.count + 2 > this.bounds.length) {
      const grown = new Int32Array(this.bounds.length * 2);
      grown.set(this.bounds);
      this.bounds = grown;
    }
    this.bounds[2 * this.count] = start;
    this.bounds[2 * this.count + 1] = end;
    this.count++;
  }
}

function detectDelimiter(text: string): number {
  const cursor = new LineCursor(text);
  const counts: number[][] = DETECTED_DELIMITERS.map(() => []);
  for (let row = 0; row < SNIFF_ROWS && cursor.next(); row++) {
    DETECTED_DELIMITERS.forEach((d, k) => counts[k].push(countUnquoted(text, cursor.start, cursor.end, d)));
  }
  const consistent = counts.findIndex((c) => c[0] > 0 && c.every((n) => n === c[0]));
  if (consistent >= 0) return DETECTED_DELIMITERS[consistent];
  const onFirstRow = counts.findIndex((c) => c[0] > 0);
  return onFirstRow >= 0 ? DETECTED_DELIMITERS[onFirstRow] : WHITESPACE;
}

function countUnquoted(text: string, start: number, end: number, code: number): number {
  let count = 0;
  let quoted = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) quoted = !quoted;
    else if (c === code && !quoted) count++;
  }
  return count;
}

function looksNumeric(cell: string): boolean {
  return (cell !== '' && !Number.isNaN(Number(cell))) || NAN_LITERAL.test(cell) || INF_LITERAL.test(cell);
}

function rowIsNumeric(splitter: FieldSplitter): boolean {
  for (let k = 0; k < splitter.count; k++) if (!looksNumeric(splitter.cell(k))) return false;
  return true;
}

function headerNames(splitter: FieldSplitter): string[] {
  return Array.from({ length: splitter.count }, (_, k) => splitter.cell(k).replaceAll('""', '"').trim() || `col${k}`);
}

/** The value of cell k, or NaN when it is empty or not a number. */
function cellValue(text: string, bounds: Int32Array, k: number): number {
  const start = bounds[2 * k];
  const end = bounds[2 * k + 1];
  return start === end ? NaN : parseDecimal(text, start, end);
}

/** 10^0 … 10^22: every one is exact in a double. */
const POWERS_OF_TEN = Float64Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * Plain decimals ("-12.345") without slicing a string. When the digits form an integer below 2^53
 * and there are at most 22 after the point, one division of two exact doubles is correctly
 * rounded, so this equals Number(); everything else (exponents, long digit runs) goes to Number().
 */
function parseDecimal(text: string, start: number, end: number): number {
  let i = start;
  let c = text.charCodeAt(i);
  const negative = c === 45;
  if (negative || c === 43) i++;
  let mantissa = 0;
  let digits = 0;
  let decimals = -1;
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (decimals >= 0) decimals++;
    } else if (c === 46 && decimals < 0) decimals = 0;
    else return Number(text.slice(start, end));
  }
  if (digits === 0 || mantissa > Number.MAX_SAFE_INTEGER || decimals > 22) return Number(text.slice(start, end));
  const value = decimals > 0 ? mantissa / POWERS_OF_TEN[decimals] : mantissa;
  return negative ? -value : value;
}

function cellError(file: string, line: number, names: string[], k: number, cell: string): StudioError {
  const where = `column ${JSON.stringify(names[k])} (#${k + 1})`;
  let problem: string;
  if (cell === '') problem = 'is empty';
  else if (NAN_LITERAL.test(cell)) problem = `is NaN (${JSON.stringify(cell)}); the file has missing values`;
  else if (INF_LITERAL.test(cell) || !Number.isNaN(Number(cell))) problem = `is infinite (${JSON.stringify(cell)})`;
  else {
    const hint = /^[+-]?\d*,\d+$/.test(cell) ? ' (decimal commas are not supported; use a point)' : '';
    problem = `${JSON.stringify(cell)} is not a number${hint}`;
  }
  return badInput(file, `${where} ${problem}`, { line, field: names[k] });
}

// ---------------------------------------------------------------------------------------------
// Columns

/** How many time units a column's name says make a second, or undefined when it does not say. */
function timeScaleFromName(name: string): number | undefined {
  const bare = name.trim().toLowerCase().replace(/[\s)\]]+$/, '');
  return NAME_TIME_UNITS.find(([pattern]) => pattern.test(bare))?.[1];
}

function isTimeName(name: string): boolean {
  const lower = name.trim().toLowerCase();
  return lower !== '' && TIME_BASES.has(lower.replace(UNIT_SUFFIX, '').trim());
}

function defaultUnit(name: string): string {
  const bracketed = BRACKETED_UNIT.exec(name);
  if (bracketed) return bracketed[1];
  const lower = name.toLowerCase();
  if (lower.includes('acc')) return 'g';
  if (lower.includes('gyr')) return 'deg/s';
  return '';
}

function resolveColumn(file: string, names: string[], headerLine: number, option: string, ref: string | number): number {
  const list = names.map((n, i) => `${i}: ${n}`).join(', ');
  if (typeof ref === 'number') {
    if (ref < names.length) return ref;
    throw badInput(file, `${option}: there is no column ${ref}; the file has ${names.length} columns (${list})`, { line: headerLine, field: String(ref) });
  }
  const wanted = ref.trim();
  let index = names.indexOf(wanted);
  if (index < 0) index = names.findIndex((n) => n.toLowerCase() === wanted.toLowerCase());
  // command lines pass indices as text
  if (index < 0 && /^\d+$/.test(wanted) && Number(wanted) < names.length) index = Number(wanted);
  if (index >= 0) return index;
  throw badInput(file, `${option}: no column named ${JSON.stringify(ref)}; available: ${list}`, { line: headerLine, field: ref });
}

function chooseColumns(file: string, names: string[], headerLine: number, hasHeader: boolean, options: Options): Layout {
  const detectedTime = options.timeCol !== undefined
    ? resolveColumn(file, names, headerLine, 'timeCol', options.timeCol)
    : hasHeader ? names.findIndex(isTimeName) : -1;
  const timeIndex = options.rate === undefined ? detectedTime : -1;
  if (timeIndex < 0 && options.rate === undefined) {
    const why = hasHeader ? `no column is named like a time (t, time, timestamp, time_ms, …) among: ${names.join(', ')}` : 'it has no header and so no named time column';
    throw badInput(file, `cannot tell when each row was sampled: ${why}. Pass --rate <Hz> or --time-col <name|index>`, { line: headerLine });
  }
  const channelIndex = options.cols === undefined
    ? names.map((_, i) => i).filter((i) => i !== detectedTime)
    : options.cols.map((ref) => resolveColumn(file, names, headerLine, 'cols', ref));
  checkChannels(file, names, headerLine, channelIndex, timeIndex, options);
  const units = options.units;
  return {
    timeIndex,
    timeScale: options.timeScale ?? (timeIndex >= 0 ? timeScaleFromName(names[timeIndex]) : undefined),
    channelIndex,
    channels: channelIndex.map((i, k) => ({ name: names[i], unit: units ? units[k] : defaultUnit(names[i]) })),
  };
}

function checkChannels(file: string, names: string[], headerLine: number, channelIndex: number[], timeIndex: number, options: Options): void {
  if (channelIndex.length === 0) throw badInput(file, 'has no data columns besides the time column', { line: headerLine });
  if (channelIndex.includes(timeIndex)) {
    throw invalidOption(file, 'cols', `column ${JSON.stringify(names[timeIndex])} is the time column, not a channel`);
  }
  const repeated = channelIndex.find((c, k) => channelIndex.indexOf(c) !== k);
  if (repeated !== undefined) throw invalidOption(file, 'cols', `column ${JSON.stringify(names[repeated])} is chosen twice`);
  if (options.units !== undefined && options.units.length !== channelIndex.length) {
    throw invalidOption(file, 'units', `gives ${options.units.length} units for ${channelIndex.length} columns (${channelIndex.map((i) => names[i]).join(', ')})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Rows and timing

function countLines(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

function readRows(
  text: string,
  file: string,
  cursor: LineCursor,
  hasRows: boolean,
  splitter: FieldSplitter,
  names: string[],
  headerLine: number,
  layout: Layout,
  options: Options,
): SensorTable {
  const columns = names.length;
  const channelIndex = Int32Array.from(layout.channelIndex);
  const width = channelIndex.length;
  const timeIndex = layout.timeIndex;
  const capacity = countLines(text);
  const data = new Float64Array(capacity * width);
  const times = timeIndex >= 0 ? new Float64Array(capacity) : null;
  let rows = 0;
  let previousLine = headerLine;
  for (let more = hasRows; more; more = cursor.next()) {
    const line = cursor.line;
    const count = splitter.split(cursor.start, cursor.end);
    if (count !== columns) {
      throw badInput(file, `has ${count} columns but line ${headerLine} has ${columns}: inconsistent column counts`, { line });
    }
    const bounds = splitter.bounds;
    for (let k = 0; k < width; k++) {
      const value = cellValue(text, bounds, channelIndex[k]);
      if (!Number.isFinite(value)) throw cellError(file, line, names, channelIndex[k], splitter.cell(channelIndex[k]));
      data[rows * width + k] = value;
    }
    if (times !== null) {
      const t = cellValue(text, bounds, timeIndex);
      if (!Number.isFinite(t)) throw cellError(file, line, names, timeIndex, splitter.cell(timeIndex));
      if (rows > 0 && !(t > times[rows - 1])) throw orderError(file, line, previousLine, t, times[rows - 1]);
      times[rows] = t;
    }
    rows++;
    previousLine = line;
  }
  if (rows < options.minRows) {
    const what = rows === 0 ? 'has a header but no data rows' : `has only ${rows} data row${rows === 1 ? '' : 's'}`;
    throw badInput(file, `${what}; at least ${options.minRows} are needed`, { line: previousLine });
  }
  const table = { file, channels: layout.channels, rows, data: rows < capacity ? data.slice(0, rows * width) : data };
  if (times === null) return { ...table, timestamps: null, startTime: 0, rate: options.rate as number, regular: true };
  return { ...table, ...timing(rows < capacity ? times.slice(0, rows) : times, layout.timeScale) };
}

function orderError(file: string, line: number, previousLine: number, t: number, previous: number): StudioError {
  const problem = t === previous
    ? `timestamp ${t} repeats the one on line ${previousLine} (duplicated timestamps)`
    : `timestamp ${t} is earlier than ${previous} on line ${previousLine}; timestamps must increase`;
  return badInput(file, problem, { line });
}

function median(values: Float64Array): number {
  const sorted = values.slice().sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Converts raw, strictly increasing times (in place) to seconds from the first sample. */
function timing(raw: Float64Array, scaleFromName: number | undefined): Pick<SensorTable, 'timestamps' | 'startTime' | 'rate' | 'regular'> {
  const steps = new Float64Array(raw.length - 1);
  for (let i = 1; i < raw.length; i++) steps[i - 1] = raw[i] - raw[i - 1];
  const medianStep = median(steps);
  const perSecond = scaleFromName ?? (medianStep >= MS_STEP_THRESHOLD ? 1e3 : 1);
  const tolerance = Math.max(REGULAR_STEP_TOLERANCE * medianStep, REGULAR_STEP_SLACK_S * perSecond);
  const regular = steps.every((step) => Math.abs(step - medianStep) <= tolerance);
  const start = raw[0];
  // dividing (rather than multiplying by 0.001) keeps whole milliseconds exact to the last bit
  for (let i = 0; i < raw.length; i++) raw[i] = (raw[i] - start) / perSecond;
  return { timestamps: raw, startTime: start / perSecond, rate: perSecond / medianStep, regular };
}
