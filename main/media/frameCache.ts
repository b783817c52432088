/**
 * An on-disk cache of decoded clips, so a clip sampled the same way twice (evaluation, repeated seeds)
 * is decoded once. One file per clip, named by a hash of its key; a file's mtime is its last use, so
 * least-recently-used eviction needs no index and survives restarts.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StudioError } from '../shared/errors.ts';
import { mediaDir } from '../store/media.ts';
import { decodeFrames, type DecodeOptions } from './frames.ts';

export interface FrameCacheKey {
  /** sha256 of the video file's content */
  checksum: string;
  indices: readonly number[];
  width: number;
  height: number;
  channels: 1 | 3;
}

export interface FrameCacheOptions {
  /** the most the folder may hold; default 2 GiB */
  maxBytes?: number;
}

interface Entry {
  bytes: number;
  /** ms since the epoch, also the file's mtime */
  usedAt: number;
}

/** Bump when decoding changes what bytes a key gives (scaling, pixel format), so old files miss. */
const DECODE_VERSION = 1;
const SUFFIX = '.frames';
const STALE_TEMP_MS = 10 * 60_000;

function entryName(key: FrameCacheKey): string {
  const text = JSON.stringify([DECODE_VERSION, key.checksum, key.indices.length, key.width, key.height, key.channels, key.indices]);
  return createHash('sha256').update(text).digest('hex').slice(0, 40) + SUFFIX;
}

/** sha256 of a file, streamed (videos can be large). */
async function fileChecksum(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export class FrameCache {
  readonly dir: string;
  readonly maxBytes: number;
  private entries?: Promise<Map<string, Entry>>;
  private totalBytes = 0;
  private lastUse = 0;
  /** checksums by path, valid while the file's size and mtime stay the same */
  private readonly checksums = new Map<string, { size: number; mtimeMs: number; checksum: string }>();

  constructor(dir: string, { maxBytes = 2 * 2 ** 30 }: FrameCacheOptions = {}) {
    if (!(maxBytes > 0)) throw new StudioError('INVALID_ARGUMENT', `frame cache ${dir}: maxBytes must be > 0`, { field: 'maxBytes' });
    this.dir = dir;
    this.maxBytes = maxBytes;
  }

  /** The project's cache: <project>.media/frame-cache beside the project file. */
  static forProject(projectPath: string, opts?: FrameCacheOptions): FrameCache {
    return new FrameCache(join(mediaDir(projectPath), 'frame-cache'), opts);
  }

  /** The bytes stored for the key, or undefined (and the entry counts as just used). */
  async get(key: FrameCacheKey): Promise<Uint8Array | undefined> {
    const entries = await this.load();
    const name = entryName(key);
    const expected = key.indices.length * key.width * key.height * key.channels;
    let data: Buffer;
    try {
      data = await readFile(join(this.dir, name));
    } catch {
      return undefined; // never stored, or evicted (perhaps by another process)
    }
    if (data.length !== expected) {
      // a file cut short by a crash or a full disk: drop it and decode again
      await this.remove(entries, name);
      return undefined;
    }
    await this.touch(entries, name, data.length);
    return new Uint8Array(data.buffer, data.byteOffset, data.length);
  }

  /** Stores the bytes for the key (atomically), then evicts least-recently-used files past maxBytes. */
  async put(key: FrameCacheKey, data: Uint8Array): Promise<void> {
    if (data.length > this.maxBytes) return; // would evict everything, itself included
    const entries = await this.load();
    const name = entryName(key);
    const temp = join(this.dir, `${name}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    try {
      await writeFile(temp, data);
      await rename(temp, join(this.dir, name));
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    await this.touch(entries, name, data.length);
    await this.evict(entries, name);
  }

  /** Bytes the cache holds (as this process knows it). */
  async size(): Promise<number> {
    await this.load();
    return this.totalBytes;
  }

  /** The sha256 of a video, remembered while its size and mtime are unchanged. */
  async checksumOf(path: string): Promise<string> {
    const { size, mtimeMs } = await stat(path);
    const known = this.checksums.get(path);
    if (known && known.size === size && known.mtimeMs === mtimeMs) return known.checksum;
    const checksum = await fileChecksum(path);
    this.checksums.set(path, { size, mtimeMs, checksum });
    return checksum;
  }

  private load(): Promise<Map<string, Entry>> {
    this.entries ??= (async () => {
      await mkdir(this.dir, { recursive: true });
      const entries = new Map<string, Entry>();
      for (const name of await readdir(this.dir)) {
        const info = await stat(join(this.dir, name)).catch(() => undefined);
        if (!info?.isFile()) continue;
        if (name.endsWith(SUFFIX)) {
          entries.set(name, { bytes: info.size, usedAt: info.mtimeMs });
          this.totalBytes += info.size;
        } else if (name.endsWith('.tmp') && Date.now() - info.mtimeMs > STALE_TEMP_MS) {
          await rm(join(this.dir, name), { force: true }); // left by a process that died mid-write
        }
      }
      return entries;
    })();
    return this.entries;
  }

  private async touch(entries: Map<string, Entry>, name: string, bytes: number): Promise<void> {
    // strictly increasing, so uses within one millisecond still order
    const usedAt = Math.max(Date.now(), this.lastUse + 1);
    this.lastUse = usedAt;
    this.totalBytes += bytes - (entries.get(name)?.bytes ?? 0);
    entries.set(name, { bytes, usedAt });
    const when = new Date(usedAt);
    await utimes(join(this.dir, name), when, when).catch(() => {});
  }

  private async remove(entries: Map<string, Entry>, name: string): Promise<void> {
    this.totalBytes -= entries.get(name)?.bytes ?? 0;
    entries.delete(name);
    await rm(join(this.dir, name), { force: true });
  }

  private async evict(entries: Map<string, Entry>, keep: string): Promise<void> {
    if (this.totalBytes <= this.maxBytes) return;
    const oldestFirst = [...entries].filter(([name]) => name !== keep).sort((a, b) => a[1].usedAt - b[1].usedAt);
    for (const [name] of oldestFirst) {
      if (this.totalBytes <= this.maxBytes) break;
      await this.remove(entries, name);
    }
  }
}

/**
 * decodeFrames through the cache: a hit reads the file and runs no ffmpeg. `checksum` (the video's
 * sha256, e.g. as the project recorded it at import) spares hashing the video; `decode` is the decoder
 * used on a miss.
 */
export async function cachedFrames(
  cache: FrameCache,
  path: string,
  indices: readonly number[],
  opts: DecodeOptions & { checksum?: string },
  decode: typeof decodeFrames = decodeFrames,
): Promise<Uint8Array> {
  const checksum = opts.checksum ?? (await cache.checksumOf(path).catch(() => undefined));
  // an unreadable file is decodeFrames's to report (NOT_FOUND, BAD_INPUT)
  if (checksum === undefined) return decode(path, indices, opts);
  const key: FrameCacheKey = { checksum, indices: [...indices], width: opts.width, height: opts.height, channels: opts.channels };
  const hit = await cache.get(key);
  if (hit) return hit;
  const frames = await decode(path, indices, opts);
  await cache.put(key, frames);
  return frames;
}
