/**
 * The one error type that crosses every boundary (CLI, IPC bridge, web mode).
 * `code` is stable and machine-readable; `message` names the file or field at fault.
 */
export type ErrorCode =
  | 'INVALID_ARGUMENT' // a call's arguments failed the contract's schema
  | 'BAD_INPUT' // a file's content is unusable (corrupt, truncated, NaN, wrong shape, ...)
  | 'NOT_FOUND' // an unknown id or a missing file
  | 'CONFLICT' // the write would clash with what is stored
  | 'SCHEMA_TOO_NEW' // the project was written by a newer VSKD Studio
  | 'FORBIDDEN' // a caller that may not call
  | 'CANCELLED'
  | 'UNAVAILABLE' // a part of the machine (binary, backend) is missing
  | 'INTERNAL';

export interface ErrorDetail {
  /** the file the problem is in */
  file?: string;
  /** the argument, column or variable at fault */
  field?: string;
  /** 1-based line of a text file */
  line?: number;
}

export interface StudioErrorJSON extends ErrorDetail {
  code: ErrorCode;
  message: string;
}

export class StudioError extends Error {
  readonly code: ErrorCode;
  readonly detail: ErrorDetail;

  constructor(code: ErrorCode, message: string, detail: ErrorDetail = {}) {
    super(message);
    this.name = 'StudioError';
    this.code = code;
    this.detail = detail;
  }

  toJSON(): StudioErrorJSON {
    return { code: this.code, message: this.message, ...this.detail };
  }

  static fromJSON(json: StudioErrorJSON): StudioError {
    const { code, message, ...detail } = json;
    return new StudioError(code, message, detail);
  }
}

/** A problem inside an input file: the message starts with the file's path. */
export function badInput(file: string, problem: string, detail: Omit<ErrorDetail, 'file'> = {}): StudioError {
  const where = detail.line !== undefined ? `${file}:${detail.line}` : file;
  return new StudioError('BAD_INPUT', `${where}: ${problem}`, { file, ...detail });
}

/** Any thrown value as a StudioError (unknown errors become INTERNAL, keeping their message). */
export function toStudioError(err: unknown): StudioError {
  if (err instanceof StudioError) return err;
  if (err instanceof Error) return new StudioError('INTERNAL', err.message);
  return new StudioError('INTERNAL', String(err));
}

/** Stops work whose signal was aborted: CANCELLED, with a message saying what a stop at this point keeps. */
export function throwIfCancelled(signal: AbortSignal | undefined, message: string): void {
  if (signal?.aborted) throw new StudioError('CANCELLED', message);
}

/** Text from a file, as a message quotes it: on one line and at most `max` characters, whatever the file holds. */
export function clipText(text: string, max = 80): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
