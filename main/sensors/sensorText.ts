/**
 * Reading a sensor text file within bounds: its size, its encoding, its lines, rows and columns.
 * Every limit is an option named in the error that enforces it, so a refused file says what to raise.
 */
import { isUtf8 } from 'node:buffer';
import { readFile, stat } from 'node:fs/promises';
import { StudioError, badInput } from '../shared/errors.ts';

export interface SensorTextLimits {
  /** the largest file read, in bytes */
  maxFileBytes?: number;
  /** the longest line, in characters */
  maxLineLength?: number;
  /** the most data rows */
  maxRows?: number;
  /** the most columns in a row */
  maxColumns?: number;
}

export const SENSOR_TEXT_LIMITS: Required<SensorTextLimits> = {
  // below V8's longest string (~512 Mi characters), which the whole text must fit in
  maxFileBytes: 256 * 2 ** 20,
  maxLineLength: 2 ** 20,
  // 10 million rows × 6 channels is 480 MB of float64
  maxRows: 10_000_000,
  maxColumns: 1024,
};

/** How much of a line or cell an error quotes. */
const QUOTE_CHARS = 80;

export function invalidOption(file: string, field: string, problem: string): StudioError {
  return new StudioError('INVALID_ARGUMENT', `${file}: option ${field}: ${problem}`, { file, field });
}

/** The limits to apply: each given one checked (a whole number ≥ 1), the others the defaults. */
export function resolveLimits(file: string, given: SensorTextLimits): Required<SensorTextLimits> {
  const limits = { ...SENSOR_TEXT_LIMITS };
  for (const key of Object.keys(SENSOR_TEXT_LIMITS) as (keyof SensorTextLimits)[]) {
    const value = given[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) throw invalidOption(file, key, `must be a whole number ≥ 1, got ${String(value)}`);
    limits[key] = value;
  }
  return limits;
}

/** At most QUOTE_CHARS characters of `text`, marked when cut, for an error message. */
export function clip(text: string): string {
  return text.length <= QUOTE_CHARS ? text : `${text.slice(0, QUOTE_CHARS)}…`;
}

/**
 * A file's bytes and its text, refused before reading when it is larger than maxFileBytes or not a
 * regular file (a pipe or a device would never end).
 */
export async function readSensorText(path: string, maxFileBytes = SENSOR_TEXT_LIMITS.maxFileBytes): Promise<{ bytes: Buffer; text: string }> {
  let bytes: Buffer;
  try {
    const stats = await stat(path);
    if (stats.isDirectory()) throw badInput(path, 'is a directory, not a sensor file');
    if (!stats.isFile()) throw badInput(path, 'is not a regular file (a device, pipe or socket), not a sensor file');
    if (stats.size > maxFileBytes) {
      throw badInput(path, `is ${sizeText(stats.size)}, over the limit of ${sizeText(maxFileBytes)} for a sensor file (maxFileBytes)`);
    }
    bytes = await readFile(path);
  } catch (err) {
    throw err instanceof StudioError ? err : readError(path, err as NodeJS.ErrnoException);
  }
  // the file may have grown since the stat
  if (bytes.length > maxFileBytes) throw badInput(path, `is over the limit of ${sizeText(maxFileBytes)} for a sensor file (maxFileBytes)`);
  if (bytes.length === 0) throw badInput(path, 'the file is empty (0 bytes)');
  return { bytes, text: decodeSensorText(path, bytes) };
}

function sizeText(bytes: number): string {
  if (bytes < 2 ** 10) return `${bytes} bytes`;
  return bytes < 2 ** 20 ? `${(bytes / 2 ** 10).toFixed(1)} KiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function readError(path: string, err: NodeJS.ErrnoException): StudioError {
  if (err.code === 'ENOENT') return new StudioError('NOT_FOUND', `${path}: no such file`, { file: path });
  return badInput(path, `cannot read the file (${err.code ?? err.message})`);
}

/**
 * UTF-8 (BOM or not) or, as some Windows tools write, UTF-16 with a BOM. Anything else is refused at
 * its first undecodable byte rather than read as replacement characters, which would turn a Latin-1
 * "°" in a header into a name no one typed.
 */
export function decodeSensorText(file: string, bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bom = buffer[0] === 0xff && buffer[1] === 0xfe ? 'le' : buffer[0] === 0xfe && buffer[1] === 0xff ? 'be' : null;
  if (bom !== null && buffer.length % 2 !== 0) throw badInput(file, 'is truncated UTF-16 text (odd number of bytes)');
  if (bom === null && !isUtf8(buffer)) {
    const offset = firstInvalidUtf8(buffer);
    if (offset < 0) throw badInput(file, 'not UTF-8 text: save it as UTF-8');
    const byte = buffer[offset].toString(16).toUpperCase().padStart(2, '0');
    throw badInput(file, `not UTF-8 text (byte 0x${byte} at offset ${offset}): save it as UTF-8`, { line: lineAt(buffer, offset) });
  }
  try {
    if (bom === 'le') return buffer.toString('utf16le', 2);
    // swapped in a copy: the caller's bytes are what its checksum is of
    if (bom === 'be') return Buffer.from(buffer.subarray(2)).swap16().toString('utf16le');
    return buffer.toString('utf8');
  } catch {
    // longer than V8's longest string, possible only when maxFileBytes was raised
    throw badInput(file, `is too large to hold as text (${sizeText(buffer.length)})`);
  }
}

/** 1-based line of a byte offset. */
function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = bytes.indexOf(10); i >= 0 && i < offset; i = bytes.indexOf(10, i + 1)) line++;
  return line;
}

/**
 * The offset of the first byte that does not start or continue a valid UTF-8 sequence (overlong
 * forms, surrogates and code points past U+10FFFF are invalid, as in isUtf8); -1 when there is none.
 */
function firstInvalidUtf8(bytes: Buffer): number {
  for (let i = 0; i < bytes.length;) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    const extra = lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : 0;
    // not a lead byte, or a sequence cut off by the end of the file
    if (extra === 0 || i + extra >= bytes.length) return i;
    let codePoint = lead & (0x7f >> (extra + 1));
    for (let k = 1; k <= extra; k++) {
      const next = bytes[i + k];
      if ((next & 0xc0) !== 0x80) return i;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    const smallest = [0, 0x80, 0x800, 0x10000][extra];
    if (codePoint < smallest || (codePoint >= 0xd800 && codePoint <= 0xdfff) || codePoint > 0x10ffff) return i;
    i += extra + 1;
  }
  return -1;
}
