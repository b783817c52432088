/**
 * Leases: which process works on a resource of the project file (a run being trained, a folder being
 * imported), so that a studio and a `vskd` command opened on the same file do not both write it.
 * A lease is a row naming its process; it lasts while that process lives, so one killed mid-work
 * leaves a stale row that the next taker replaces. A process on another host cannot be checked and
 * counts as alive (its holder stops it, or deletes the row, by hand).
 */
import { hostname } from 'node:os';
import { StudioError } from '../shared/errors.ts';
import type { Database, Queryable } from './db.ts';

export interface Lease {
  resource: string;
  /** what holds it, as a person reads it: 'vskd train student', 'the studio' */
  holder: string;
  pid: number;
  host: string;
  /** ISO time the lease was taken */
  since: string;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isLive(lease: Lease): boolean {
  return lease.host !== hostname() || processAlive(lease.pid);
}

function read(db: Queryable, resource: string): Promise<Lease | undefined> {
  return db.get<Lease>('SELECT resource, holder, pid, host, since FROM leases WHERE resource = ?', [resource]);
}

/** The time of day in local time, with the date in front when it is not today. */
function when(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
  const day = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  const now = new Date();
  return day === `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}` ? time : `${day} ${time}`;
}

/** Who holds a lease, as a person reads it: "vskd train student (pid 4242 on host lab-pc) since 21:03:10". */
export function describeLease(lease: Lease): string {
  return `${lease.holder} (pid ${lease.pid} on host ${lease.host}) since ${when(lease.since)}`;
}

/**
 * Takes `resource` for this process, or replaces a stale lease on it. CONFLICT naming the holder,
 * its process and since when while a live process (this one included) holds it.
 */
export async function acquireLease(db: Database, resource: string, holder: string): Promise<Lease> {
  return db.transaction(async (tx) => {
    const held = await read(tx, resource);
    if (held && isLive(held)) {
      throw new StudioError('CONFLICT', `${resource} is held by ${describeLease(held)}: wait for it or stop that process`);
    }
    await tx.run('INSERT OR REPLACE INTO leases (resource, holder, pid, host, since) VALUES (?, ?, ?, ?, ?)', [
      resource,
      holder,
      process.pid,
      hostname(),
      new Date().toISOString(),
    ]);
    return (await read(tx, resource))!;
  });
}

/** Gives `resource` back; a lease another process holds (or took over) stays. False when this process held none. */
export async function releaseLease(db: Database, resource: string): Promise<boolean> {
  const { changes } = await db.run('DELETE FROM leases WHERE resource = ? AND pid = ? AND host = ?', [resource, process.pid, hostname()]);
  return changes > 0;
}

/** The live lease on `resource` (this process's included), or null when none is held or its holder is gone. */
export async function leaseHolder(db: Database, resource: string): Promise<Lease | null> {
  const held = await read(db, resource);
  return held && isLive(held) ? held : null;
}
