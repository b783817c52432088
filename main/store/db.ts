/**
 * A small promise wrapper over one sqlite3 connection.
 *
 * sqlite3 runs statements asynchronously on one connection, so a transaction could interleave
 * with unrelated statements issued meanwhile. Every call therefore goes through a queue, and
 * `transaction` holds the queue until it commits or rolls back.
 */
import sqlite3 from 'sqlite3';
import { StudioError } from '../shared/errors.ts';

export type SqlValue = string | number | bigint | Buffer | Uint8Array | null;
export type SqlParams = SqlValue[] | Record<string, SqlValue>;

export interface RunResult {
  changes: number;
  lastID: number;
}

/** What both a connection and an open transaction can do. */
export interface Queryable {
  run(sql: string, params?: SqlParams): Promise<RunResult>;
  get<T>(sql: string, params?: SqlParams): Promise<T | undefined>;
  all<T>(sql: string, params?: SqlParams): Promise<T[]>;
  exec(sql: string): Promise<void>;
}

/** Statements straight on the connection, no queueing: used inside a held transaction. */
function direct(conn: sqlite3.Database): Queryable {
  return {
    run: (sql, params = []) =>
      new Promise((resolve, reject) =>
        conn.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
          if (err) reject(err);
          else resolve({ changes: this.changes, lastID: this.lastID });
        }),
      ),
    get: <T>(sql: string, params: SqlParams = []) =>
      new Promise<T | undefined>((resolve, reject) => conn.get(sql, params, (err: Error | null, row: T) => (err ? reject(err) : resolve(row)))),
    all: <T>(sql: string, params: SqlParams = []) =>
      new Promise<T[]>((resolve, reject) => conn.all(sql, params, (err: Error | null, rows: T[]) => (err ? reject(err) : resolve(rows)))),
    exec: (sql) => new Promise((resolve, reject) => conn.exec(sql, (err) => (err ? reject(err) : resolve()))),
  };
}

export class Database implements Queryable {
  private readonly conn: sqlite3.Database;
  private readonly raw: Queryable;
  private tail: Promise<unknown> = Promise.resolve();
  readonly path: string;

  private constructor(conn: sqlite3.Database, path: string) {
    this.conn = conn;
    this.raw = direct(conn);
    this.path = path;
  }

  static open(path: string, { create }: { create: boolean }): Promise<Database> {
    const mode = sqlite3.OPEN_READWRITE | (create ? sqlite3.OPEN_CREATE : 0);
    return new Promise((resolve, reject) => {
      const conn = new sqlite3.Database(path, mode, (err) => {
        if (err) reject(new StudioError(create ? 'INTERNAL' : 'NOT_FOUND', `${path}: cannot open: ${err.message}`, { file: path }));
        else resolve(new Database(conn, path));
      });
    });
  }

  /** Runs `task` after everything queued before it; later calls wait for it. */
  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  run(sql: string, params?: SqlParams): Promise<RunResult> {
    return this.enqueue(() => this.raw.run(sql, params));
  }
  get<T>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return this.enqueue(() => this.raw.get<T>(sql, params));
  }
  all<T>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.enqueue(() => this.raw.all<T>(sql, params));
  }
  exec(sql: string): Promise<void> {
    return this.enqueue(() => this.raw.exec(sql));
  }

  /** All of `work` commits, or none of it does (the error is rethrown after the rollback). */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      await this.raw.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.raw);
        await this.raw.exec('COMMIT');
        return result;
      } catch (err) {
        await this.raw.exec('ROLLBACK');
        throw err;
      }
    });
  }

  close(): Promise<void> {
    return this.enqueue(() => new Promise<void>((resolve, reject) => this.conn.close((err) => (err ? reject(err) : resolve()))));
  }
}
