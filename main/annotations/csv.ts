/**
 * Annotations as CSV (RFC 4180: comma-separated, double quotes around cells that need them, a
 * header row). Columns, in the order written:
 *
 *   recording, start, end, label, time_base, start_video, end_video, start_sensor, end_sensor, note
 *
 * Times are seconds, written with every digit a float has, so that a file read back gives the very
 * same numbers. start/end are on time_base's clock, the stored truth; the four *_video/*_sensor
 * columns are the segment on each clock through the recording's clock model, for reading only.
 *
 * Reading accepts the columns in any order and others besides (ignored). It needs recording, label
 * and one pair of times: start/end (on time_base, 'video' when that column is missing or empty),
 * else start_video/end_video, else start_sensor/end_sensor. note is optional.
 */
import { badInput } from '../shared/errors.ts';
import type { TimeBase } from '../store/annotations.ts';
import type { ExportedAnnotation, ImportedSegment } from './segments.ts';

export const csvColumns = ['recording', 'start', 'end', 'label', 'time_base', 'start_video', 'end_video', 'start_sensor', 'end_sensor', 'note'] as const;

function cell(value: string | number): string {
  const text = String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function writeAnnotationsCsv(annotations: ExportedAnnotation[]): string {
  const lines = [csvColumns.join(',')];
  for (const a of annotations) {
    lines.push([a.recording, a.start, a.end, a.label, a.timeBase, a.startVideo, a.endVideo, a.startSensor, a.endSensor, a.note].map(cell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

interface CsvRecord {
  cells: string[];
  /** 1-based line the record starts on */
  line: number;
}

/** Splits RFC 4180 text into records; blank lines are skipped. */
function records(text: string, file: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let line = 1;
  let cells: string[] = [];
  let current = '';
  let quoted = false;
  let quoteLine = 1;
  let start = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    cells.push(current);
    if (!(cells.length === 1 && cells[0].trim() === '')) out.push({ cells, line: start });
    cells = [];
    current = '';
  };
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          current += '"';
          i++;
        } else {
          quoted = false;
          const next = text[i + 1];
          if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
            throw badInput(file, `a closing quote must end its cell (found ${JSON.stringify(next)} after it)`, { line });
          }
        }
      } else {
        if (c === '\n') line++;
        current += c;
      }
    } else if (c === '"') {
      if (current !== '') throw badInput(file, 'a quote in the middle of an unquoted cell (quote the whole cell and double the quote)', { line });
      quoted = true;
      quoteLine = line;
    } else if (c === ',') {
      cells.push(current);
      current = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else current += c;
  }
  if (quoted) throw badInput(file, `a quoted cell opened on line ${quoteLine} is never closed`, { line: quoteLine });
  if (current !== '' || cells.length) endRecord();
  return out;
}

function parseSeconds(text: string, file: string, line: number, column: string): number {
  const value = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value)) throw badInput(file, `${column}: ${JSON.stringify(text)} is not a number of seconds`, { line, field: column });
  return value;
}

export function parseAnnotationsCsv(text: string, file: string): ImportedSegment[] {
  const [header, ...rows] = records(text, file);
  if (!header) throw badInput(file, 'the file is empty: it needs a header row (recording,start,end,label,time_base,...)', { line: 1 });
  const names = header.cells.map((c) => c.trim().toLowerCase());
  const index = new Map<string, number>();
  names.forEach((name, i) => {
    if (index.has(name) && (csvColumns as readonly string[]).includes(name)) {
      throw badInput(file, `column ${name} appears twice in the header`, { line: header.line, field: name });
    }
    index.set(name, i);
  });
  for (const required of ['recording', 'label']) {
    if (!index.has(required))
      throw badInput(file, `the header has no ${required} column (it reads: ${names.join(',')})`, { line: header.line, field: required });
  }
  const pairs: [string, string, TimeBase | null][] = [
    ['start', 'end', null],
    ['start_video', 'end_video', 'video'],
    ['start_sensor', 'end_sensor', 'sensor'],
  ];
  const pair = pairs.find(([s, e]) => index.has(s) && index.has(e));
  if (!pair)
    throw badInput(file, 'the header needs start and end columns (or start_video/end_video, or start_sensor/end_sensor)', {
      line: header.line,
      field: 'start',
    });
  const [startColumn, endColumn, pairBase] = pair;

  return rows.map(({ cells, line }) => {
    if (cells.length !== names.length) {
      throw badInput(file, `${cells.length} cells where the header has ${names.length} columns`, { line });
    }
    const get = (column: string) => cells[index.get(column)!] ?? '';
    const recording = get('recording').trim();
    if (recording === '') throw badInput(file, 'recording: empty', { line, field: 'recording' });
    const label = get('label').trim();
    if (label === '') throw badInput(file, 'label: empty', { line, field: 'label' });
    let timeBase: TimeBase = pairBase ?? 'video';
    if (pairBase === null && index.has('time_base')) {
      const base = get('time_base').trim().toLowerCase();
      if (base !== '' && base !== 'video' && base !== 'sensor') {
        throw badInput(file, `time_base: ${JSON.stringify(base)} is neither video nor sensor`, { line, field: 'time_base' });
      }
      if (base !== '') timeBase = base as TimeBase;
    }
    return {
      recording,
      label,
      start: parseSeconds(get(startColumn), file, line, startColumn),
      end: parseSeconds(get(endColumn), file, line, endColumn),
      timeBase,
      note: index.has('note') ? get('note') : '',
      source: { file, line },
    };
  });
}
