/**
 * Generic sensor text files (CSV, TSV, whitespace-separated text) → a validated sensor table.
 *
 * Detection rules, each overridable through DelimitedOptions:
 * - Text: UTF-8 (BOM or not) or UTF-16 with a BOM; anything else is refused at its first bad byte.
 *   The file's size, line length, rows and columns are bounded (SENSOR_TEXT_LIMITS; options of the
 *   same names), and an error quotes at most 80 characters of a line or cell.
 * - Lines: blank lines and lines whose first non-blank character is `#` are skipped; CRLF and a
 *   UTF-8 BOM are accepted. A double-quoted cell may contain the delimiter; the quotes are dropped.
 * - Delimiter: over the first 10 rows, the first of tab, `;`, `,` that occurs the same (non-zero)
 *   number of times on every row; if none is that consistent, the first of them found on the first
 *   row (the column-count check then names the ragged line); otherwise runs of spaces and tabs.
 *   One delimiter ending a line ("1,2,3,") adds no column.
 * - Numbers: decimals with an optional exponent (decimal.ts); hexadecimal, binary, empty and
 *   infinite cells are refused with their line and column.
 * - Header: the first row is a header when any of its cells is not a number (nan/inf count as
 *   numbers here, so that they are reported as bad values rather than taken for names). Without
 *   a header the columns are named col0, col1, … (0-based, like column indices).
 * - Time column: the first column whose name, without a unit suffix such as `_ms` or `(s)`, is
 *   t, time, timestamp, time_stamp, elapsed, elapsed_time, epoch, unix_time (or is only a unit:
 *   s, sec, seconds, ms, millis, …). In a headerless file read whole (no `cols`), the first column
 *   that increases on every one of at least 16 rows: no accelerometer or gyroscope axis does that
 *   over a recording, a clock always does.
 * - A time column found either way is never a channel, also when `rate` is given; then the rate is
 *   used, and the column only gives the start time and a warning when it disagrees with the rate.
 * - Time unit: a name ending in ms/msec/millis → ms; us/micros → µs; ns/nanos → ns; a separated
 *   s/sec/seconds ("time_s", "time (s)") → s. Otherwise by the median step between rows: a median
 *   step ≥ 0.5 means milliseconds, because in seconds it would be ≤ 2 Hz, implausible for an
 *   accelerometer.
 * - Timing: with `rate`, rows are taken as uniform at that rate. With timestamps, times become
 *   seconds from the first sample, the rate comes from a line fit over the whole file and the jitter
 *   is the spread of the steps (timing.ts); they are regular when every step is within 1% (or
 *   1e-6 s) of the median step.
 * - Channels: every column but the time column. Units: `units`, else a bracketed unit in the name
 *   ("acc_x (m/s^2)"), else by the name (channelUnits.ts); a column left without one is a warning,
 *   and so is a value beyond its unit's full scale (`fullScale` per unit, default ±16 g, ±2000 deg/s).
 * Only the time column and the chosen channels are parsed as numbers; other columns may hold text.
 */
import { StudioError, badInput } from '../shared/errors.ts';
import { defaultUnit, fullScaleWarnings, missingUnitWarnings } from './channelUnits.ts';
import { badNumberProblem, looksNumeric, parseDecimal } from './decimal.ts';
import { clip, invalidOption, readSensorText, resolveLimits, type SensorTextLimits } from './sensorText.ts';
import { clockOf, timeScaleFromName, type Clock } from './timing.ts';

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
  /** what the time column says, when it increases on every row (also when the rate was given) */
  clock: { column: string; rate: number; jitter: number } | null;
  /** what the file may get wrong without being refused, each a line naming the file and the column */
  warnings: string[];
}

export interface DelimitedOptions extends SensorTextLimits {
  /** one character, or tab / comma / semicolon / whitespace (runs of spaces and tabs) */
  delimiter?: string;
  header?: boolean;
  /** a column name or 0-based index */
  timeCol?: string | number;
  timeUnit?: 's' | 'ms';
  /** samples per second; over a time column, which then gives only the start time and a check */
  rate?: number;
  /** column names or 0-based indices (default: every column but the time column) */
  cols?: (string | number)[];
  /** one unit per chosen column */
  units?: string[];
  /** the largest magnitude per unit ({ g: 8, 'deg/s': 500 }) beyond which values are reported; over DEFAULT_FULL_SCALE */
  fullScale?: Record<string, number>;
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
/** A headerless column is taken for a clock only over this many rows: a few rows rise by chance. */
const MIN_CLOCK_ROWS = 16;
/** A given rate this far from the timestamps' (relative) is worth a warning. */
const RATE_MISMATCH = 0.02;
/** Column names an error lists before "and N more". */
const LISTED_NAMES = 20;

const UNIT_SUFFIX = /[\s_-]*[([]?\s*(s|secs?|seconds|ms|msecs?|millis|milliseconds|us|µs|μs|usecs?|micros|microseconds|ns|nsecs?|nanos|nanoseconds)\s*[)\]]?$/;
const TIME_BASES = new Set(['', 't', 'time', 'timestamp', 'time_stamp', 'elapsed', 'elapsed_time', 'epoch', 'unix_time', 'unixtime']);

interface Options {
  delimiter: number | undefined;
  header: boolean | undefined;
  timeCol: string | number | undefined;
  /** time units per second, when given */
  timeScale: number | undefined;
  rate: number | undefined;
  cols: (string | number)[] | undefined;
  units: string[] | undefined;
  fullScale: Record<string, number>;
  minRows: number;
  limits: Required<SensorTextLimits>;
}

interface Layout {
  /** index of the named or given time column, -1 when there is none */
  timeIndex: number;
  /** time units per second, from the option or the column name; undefined → decide by the step */
  timeScale: number | undefined;
  channelIndex: number[];
  /** a headerless file read whole: the first channel that increases on every row is the time */
  findClock: boolean;
}

export function parseDelimited(text: string, file: string, opts: DelimitedOptions = {}): SensorTable {
  const options = checkOptions(file, opts);
  if (text.slice(0, 4096).includes('\0')) {
    throw badInput(file, 'contains NUL bytes: it is binary or UTF-16, not UTF-8 text (save it as UTF-8 CSV)');
  }
  const cursor = new LineCursor(text, file, options.limits.maxLineLength);
  if (!cursor.next()) {
    throw badInput(file, text.trim() === '' ? 'the file is empty' : 'the file has only comment lines, no rows');
  }
  const splitter = new FieldSplitter(text, options.delimiter ?? detectDelimiter(text, file, options.limits.maxLineLength));
  const firstCount = splitter.split(cursor.start, cursor.end);
  if (firstCount > options.limits.maxColumns) {
    throw badInput(file, `has ${firstCount} columns, over the limit of ${options.limits.maxColumns} (maxColumns)`, { line: cursor.line });
  }
  const hasHeader = options.header ?? !rowIsNumeric(splitter);
  const headerLine = cursor.line;
  const names = hasHeader ? headerNames(splitter) : Array.from({ length: firstCount }, (_, i) => `col${i}`);
  const layout = chooseColumns(file, names, headerLine, hasHeader, options);
  const hasRows = hasHeader ? cursor.next() : true;
  const read = readRows(text, file, cursor, hasRows, splitter, names, headerLine, layout, options);
  return finishTable(file, names, headerLine, layout, read, options);
}

/** A sensor text file, read within the limits (maxFileBytes and the rest) and parsed. */
export async function readDelimitedFile(path: string, opts: DelimitedOptions = {}): Promise<SensorTable> {
  const maxFileBytes = resolveLimits(path, opts).maxFileBytes;
  const { text } = await readSensorText(path, maxFileBytes);
  return parseDelimited(text, path, opts);
}

// ---------------------------------------------------------------------------------------------
// Options

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
    limits: resolveLimits(file, opts),
    fullScale: checkFullScale(file, opts.fullScale),
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

function checkFullScale(file: string, fullScale: unknown): Record<string, number> {
  if (fullScale === undefined) return {};
  const entries = typeof fullScale === 'object' && fullScale !== null && !Array.isArray(fullScale) ? Object.entries(fullScale) : null;
  const bad = entries?.find(([, value]) => !(typeof value === 'number' && Number.isFinite(value) && value > 0));
  if (entries === null || bad !== undefined) {
    const why = bad ? `${JSON.stringify(bad[0])} is ${String(bad[1])}` : `got ${String(fullScale)}`;
    throw invalidOption(file, 'fullScale', `must give a positive full scale per unit, such as { "g": 8 }; ${why}`);
  }
  return Object.fromEntries(entries);
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

/**
 * Walks the text line by line, skipping blank and `#` comment lines; `line` is 1-based. A line
 * longer than maxLineLength (comment or not) is refused, quoting only its start.
 */
class LineCursor {
  start = 0;
  end = 0;
  line = 0;
  private pos: number;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly maxLineLength: number,
  ) {
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
      if (end - start > this.maxLineLength) this.tooLong(start, end);
      let first = start;
      while (first < end && isBlank(text.charCodeAt(first))) first++;
      if (first === end || text.charCodeAt(first) === HASH) continue;
      this.start = start;
      this.end = end;
      return true;
    }
    return false;
  }

  private tooLong(start: number, end: number): never {
    const opening = JSON.stringify(clip(this.text.slice(start, Math.min(end, start + 81))));
    throw badInput(this.file, `the line is ${end - start} characters long, over the limit of ${this.maxLineLength} (maxLineLength); it starts ${opening}`, {
      line: this.line,
    });
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

function detectDelimiter(text: string, file: string, maxLineLength: number): number {
  const cursor = new LineCursor(text, file, maxLineLength);
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

/** A name or a cell, quoted and clipped, for a message. */
const quoted = (name: string): string => JSON.stringify(clip(name));

function cellError(file: string, line: number, names: string[], k: number, cell: string): StudioError {
  return badInput(file, `column ${quoted(names[k])} (#${k + 1}) ${badNumberProblem(cell, quoted(cell))}`, { line, field: names[k] });
}

// ---------------------------------------------------------------------------------------------
// Columns

function isTimeName(name: string): boolean {
  const lower = name.trim().toLowerCase();
  return lower !== '' && TIME_BASES.has(lower.replace(UNIT_SUFFIX, '').trim());
}

/** "0: t, 1: x, …", at most LISTED_NAMES of them. */
function columnList(names: string[], numbered = true): string {
  const listed = names.slice(0, LISTED_NAMES).map((n, i) => (numbered ? `${i}: ${clip(n)}` : clip(n)));
  return listed.join(', ') + (names.length > LISTED_NAMES ? ` and ${names.length - LISTED_NAMES} more` : '');
}

function resolveColumn(file: string, names: string[], headerLine: number, option: string, ref: string | number): number {
  if (typeof ref === 'number') {
    if (ref < names.length) return ref;
    const problem = `${option}: there is no column ${ref}; the file has ${names.length} columns (${columnList(names)})`;
    throw badInput(file, problem, { line: headerLine, field: String(ref) });
  }
  const wanted = ref.trim();
  let index = names.indexOf(wanted);
  if (index < 0) index = names.findIndex((n) => n.toLowerCase() === wanted.toLowerCase());
  // command lines pass indices as text
  if (index < 0 && /^\d+$/.test(wanted) && Number(wanted) < names.length) index = Number(wanted);
  if (index >= 0) return index;
  throw badInput(file, `${option}: no column named ${quoted(ref)}; available: ${columnList(names)}`, { line: headerLine, field: ref });
}

function chooseColumns(file: string, names: string[], headerLine: number, hasHeader: boolean, options: Options): Layout {
  const namedTime =
    options.timeCol !== undefined ? resolveColumn(file, names, headerLine, 'timeCol', options.timeCol) : hasHeader ? names.findIndex(isTimeName) : -1;
  // a lone column is the data, never the time
  const findClock = namedTime < 0 && !hasHeader && options.cols === undefined && names.length > 1;
  if (namedTime < 0 && !findClock && options.rate === undefined) {
    const why = hasHeader
      ? `no column is named like a time (t, time, timestamp, time_ms, …) among: ${columnList(names, false)}`
      : names.length === 1
        ? 'it has no header and a single column'
        : 'it has no header, and the time column is looked for only when every column is read (no cols)';
    throw noClock(file, headerLine, why);
  }
  const channelIndex =
    options.cols === undefined
      ? names.map((_, i) => i).filter((i) => i !== namedTime)
      : options.cols.map((ref) => resolveColumn(file, names, headerLine, 'cols', ref));
  // with a rate, a time column the user chose as a channel is one
  const timeIndex = options.rate !== undefined && channelIndex.includes(namedTime) ? -1 : namedTime;
  checkChannels(file, names, headerLine, channelIndex, timeIndex);
  return {
    timeIndex,
    timeScale: options.timeScale ?? (timeIndex >= 0 ? timeScaleFromName(names[timeIndex]) : undefined),
    channelIndex,
    findClock,
  };
}

function noClock(file: string, headerLine: number, why: string): StudioError {
  return badInput(file, `cannot tell when each row was sampled: ${why}. Pass --rate <Hz> or --time-col <name|index>`, { line: headerLine });
}

function checkChannels(file: string, names: string[], headerLine: number, channelIndex: number[], timeIndex: number): void {
  if (channelIndex.length === 0) throw badInput(file, 'has no data columns besides the time column', { line: headerLine });
  if (channelIndex.includes(timeIndex)) {
    throw invalidOption(file, 'cols', `column ${quoted(names[timeIndex])} is the time column, not a channel`);
  }
  const repeated = channelIndex.find((c, k) => channelIndex.indexOf(c) !== k);
  if (repeated !== undefined) throw invalidOption(file, 'cols', `column ${quoted(names[repeated])} is chosen twice`);
}

// ---------------------------------------------------------------------------------------------
// Rows

function countLines(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

interface Rows {
  rows: number;
  /** rows × channelIndex.length, row-major */
  data: Float64Array;
  /** the time column's raw values, when it increases on every row */
  times: Float64Array | null;
  /** per channel, with findClock: 1 while it has increased on every row */
  rising: Uint8Array | null;
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
): Rows {
  const columns = names.length;
  const channelIndex = Int32Array.from(layout.channelIndex);
  const width = channelIndex.length;
  const timeIndex = layout.timeIndex;
  // Without a rate the times are the timing and must be valid; with one they are only a check.
  const strictTime = options.rate === undefined;
  const maxRows = options.limits.maxRows;
  // A row of `columns` cells takes at least `columns` characters with its line end: no more rows fit.
  const capacity = Math.min(countLines(text), Math.floor((text.length + 1) / columns), maxRows);
  const data = new Float64Array(capacity * width);
  let times = timeIndex >= 0 ? new Float64Array(capacity) : null;
  const rising = layout.findClock ? new Uint8Array(width).fill(1) : null;
  let rows = 0;
  let previousLine = headerLine;
  for (let more = hasRows; more; more = cursor.next()) {
    const line = cursor.line;
    if (rows === maxRows) throw badInput(file, `has more than ${maxRows} data rows, the limit (maxRows)`, { line });
    const count = splitter.split(cursor.start, cursor.end);
    if (count !== columns) {
      throw badInput(file, `has ${count} columns but line ${headerLine} has ${columns}: inconsistent column counts`, { line });
    }
    const bounds = splitter.bounds;
    const at = rows * width;
    for (let k = 0; k < width; k++) {
      const value = cellValue(text, bounds, channelIndex[k]);
      if (!Number.isFinite(value)) throw cellError(file, line, names, channelIndex[k], splitter.cell(channelIndex[k]));
      data[at + k] = value;
      if (rising !== null && rows > 0 && !(value > data[at - width + k])) rising[k] = 0;
    }
    if (times !== null) {
      const t = cellValue(text, bounds, timeIndex);
      const previous = rows > 0 ? times[rows - 1] : -Infinity;
      if (!(t > previous && t < Infinity)) {
        if (strictTime) {
          if (!Number.isFinite(t)) throw cellError(file, line, names, timeIndex, splitter.cell(timeIndex));
          throw orderError(file, line, previousLine, t, previous);
        }
        times = null;
      } else times[rows] = t;
    }
    rows++;
    previousLine = line;
  }
  if (rows < options.minRows) {
    const what = rows === 0 ? 'has a header but no data rows' : `has only ${rows} data row${rows === 1 ? '' : 's'}`;
    throw badInput(file, `${what}; at least ${options.minRows} are needed`, { line: previousLine });
  }
  return {
    rows,
    data: rows < capacity ? data.slice(0, rows * width) : data,
    times: times !== null && rows < capacity ? times.slice(0, rows) : times,
    rising,
  };
}

function orderError(file: string, line: number, previousLine: number, t: number, previous: number): StudioError {
  const problem =
    t === previous
      ? `timestamp ${t} repeats the one on line ${previousLine} (duplicated timestamps)`
      : `timestamp ${t} is earlier than ${previous} on line ${previousLine}; timestamps must increase`;
  return badInput(file, problem, { line });
}

// ---------------------------------------------------------------------------------------------
// Timing, units and warnings

/** Column k of a row-major matrix, and the matrix without it. */
function splitColumn(data: Float64Array, rows: number, width: number, k: number): { column: Float64Array; rest: Float64Array } {
  const column = new Float64Array(rows);
  const rest = new Float64Array(rows * (width - 1));
  for (let r = 0, o = 0; r < rows; r++) {
    for (let c = 0; c < width; c++) {
      if (c === k) column[r] = data[r * width + c];
      else rest[o++] = data[r * width + c];
    }
  }
  return { column, rest };
}

function finishTable(file: string, names: string[], headerLine: number, layout: Layout, read: Rows, options: Options): SensorTable {
  const { rows } = read;
  let { data, times } = read;
  let channelIndex = layout.channelIndex;
  let timeIndex = times !== null ? layout.timeIndex : -1;
  const clockAt = read.rising !== null && rows >= MIN_CLOCK_ROWS ? read.rising.indexOf(1) : -1;
  if (clockAt >= 0) {
    const { column, rest } = splitColumn(data, rows, channelIndex.length, clockAt);
    [times, data, timeIndex] = [column, rest, channelIndex[clockAt]];
    channelIndex = channelIndex.filter((_, k) => k !== clockAt);
  }
  if (times === null && options.rate === undefined) {
    const short = rows < MIN_CLOCK_ROWS ? ` (a time column is looked for in files of at least ${MIN_CLOCK_ROWS} rows)` : '';
    throw noClock(file, headerLine, `it has no header, and no column increases on every row as timestamps do${short}`);
  }
  const channels = channelsOf(file, names, channelIndex, options.units);
  const timeName = timeIndex >= 0 ? names[timeIndex] : '';
  const clock: Clock | null = times === null ? null : clockOf(times, layout.timeScale);
  const rate = options.rate ?? (clock as Clock).rate;
  const timestamps = options.rate === undefined && clock ? clock.timestamps : null;
  const warnings = [
    ...rateWarnings(file, timeName, clock, options.rate),
    ...missingUnitWarnings(file, channels),
    ...fullScaleWarnings(file, channels, data, rows, options.fullScale, (row) => (timestamps ? timestamps[row] : row / rate)),
  ];
  return {
    file,
    channels,
    rows,
    data,
    timestamps,
    startTime: clock?.startTime ?? 0,
    rate,
    regular: timestamps === null || (clock as Clock).regular,
    clock: clock && { column: timeName, rate: clock.rate, jitter: clock.jitter },
    warnings,
  };
}

function channelsOf(file: string, names: string[], channelIndex: number[], units: string[] | undefined): SensorChannel[] {
  if (units !== undefined && units.length !== channelIndex.length) {
    const chosen = channelIndex.map((i) => names[i]);
    const listed = columnList(chosen, false);
    throw invalidOption(file, 'units', `gives ${units.length} units for ${channelIndex.length} columns (${listed})`);
  }
  return channelIndex.map((i, k) => ({ name: names[i], unit: units ? units[k].trim() : defaultUnit(names[i]) }));
}

/** A given rate the file's own timestamps contradict. */
function rateWarnings(file: string, timeName: string, clock: Clock | null, given: number | undefined): string[] {
  if (given === undefined || clock === null || Math.abs(given - clock.rate) <= RATE_MISMATCH * clock.rate) return [];
  return [`${file}: the time column ${quoted(timeName)} says ${clock.rate.toFixed(2)} Hz, not the given ${given} Hz; the given rate is used`];
}
