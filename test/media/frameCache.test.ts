import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { cachedFrames, FrameCache } from '../../main/media/frameCache.ts';
import { decodeFrames } from '../../main/media/frames.ts';
import { mediaDir } from '../../main/store/media.ts';
import { tempDir } from '../helpers/tmp.ts';
import { makeClip } from './clips.ts';

const dir = tempDir();
const size = { width: 32, height: 24, channels: 3 as const };
const clipBytes = 4 * 32 * 24 * 3;

/** decodeFrames, counting its ffmpeg runs */
function countingDecoder() {
  const counter = { runs: 0 };
  const decode: typeof decodeFrames = (...args) => {
    counter.runs++;
    return decodeFrames(...args);
  };
  return { decode, counter };
}

const entries = (cacheDir: string) => readdirSync(cacheDir).filter((f) => f.endsWith('.frames'));

describe('frame cache', () => {
  let clip: string;
  before(async () => {
    clip = await makeClip(dir, 'clip.mp4', { seconds: 2, fps: 25, width: 160, height: 120 });
  });

  it('decodes once; a hit returns the same bytes without ffmpeg, also after a restart', async () => {
    const cacheDir = join(dir, 'restart');
    const { decode, counter } = countingDecoder();
    const first = await cachedFrames(new FrameCache(cacheDir), clip, [3, 9, 15, 21], size, decode);
    const cache = new FrameCache(cacheDir);
    const again = await cachedFrames(cache, clip, [3, 9, 15, 21], size, decode);
    assert.equal(counter.runs, 1);
    assert.ok(Buffer.from(again).equals(Buffer.from(first)));
    assert.ok(Buffer.from(first).equals(Buffer.from(await decodeFrames(clip, [3, 9, 15, 21], size))));
    assert.equal(await cache.size(), clipBytes);
  });

  it('keys on indices, size, channels and the video content', async () => {
    const cacheDir = join(dir, 'keys');
    const cache = new FrameCache(cacheDir);
    const { decode, counter } = countingDecoder();
    await cachedFrames(cache, clip, [3, 9, 15, 21], size, decode);
    await cachedFrames(cache, clip, [3, 9, 15, 22], size, decode);
    await cachedFrames(cache, clip, [3, 9, 15, 21], { ...size, width: 16 }, decode);
    await cachedFrames(cache, clip, [3, 9, 15, 21], { ...size, channels: 1 }, decode);
    assert.equal(counter.runs, 4);
    const other = await makeClip(dir, 'other.mp4', { seconds: 2, fps: 25, width: 160, height: 100 });
    await cachedFrames(cache, other, [3, 9, 15, 21], size, decode);
    assert.equal(counter.runs, 5);
    // a given checksum spares hashing, and a different one is a different video
    await cachedFrames(cache, clip, [3, 9, 15, 21], { ...size, checksum: 'a'.repeat(64) }, decode);
    assert.equal(counter.runs, 6);
    assert.equal(entries(cacheDir).length, 6);
  });

  it('evicts the least recently used entries past its size limit', async () => {
    const cacheDir = join(dir, 'evict');
    const cache = new FrameCache(cacheDir, { maxBytes: 2.5 * clipBytes });
    const { decode, counter } = countingDecoder();
    const a = [0, 1, 2, 3];
    const b = [4, 5, 6, 7];
    const c = [8, 9, 10, 11];
    await cachedFrames(cache, clip, a, size, decode);
    await cachedFrames(cache, clip, b, size, decode);
    await cachedFrames(cache, clip, a, size, decode); // a is now the more recent
    await cachedFrames(cache, clip, c, size, decode); // over the limit: b goes
    assert.equal(counter.runs, 3);
    assert.equal(entries(cacheDir).length, 2);
    assert.equal(await cache.size(), 2 * clipBytes);
    await cachedFrames(cache, clip, a, size, decode);
    await cachedFrames(cache, clip, c, size, decode);
    assert.equal(counter.runs, 3, 'a and c stayed');
    await cachedFrames(cache, clip, b, size, decode);
    assert.equal(counter.runs, 4, 'b was evicted');
    // the order survives a restart: the file times carry it
    const reopened = new FrameCache(cacheDir, { maxBytes: 2.5 * clipBytes });
    await cachedFrames(reopened, clip, [12, 13, 14, 15], size, decode); // evicts a (c and b are newer)
    await cachedFrames(reopened, clip, b, size, decode);
    await cachedFrames(reopened, clip, c, size, decode);
    assert.equal(counter.runs, 6, 'c was evicted, b kept');
  });

  it('treats a damaged entry as a miss', async () => {
    const cacheDir = join(dir, 'damaged');
    const cache = new FrameCache(cacheDir);
    const { decode, counter } = countingDecoder();
    const first = await cachedFrames(cache, clip, [1, 2, 3, 4], size, decode);
    const [name] = entries(cacheDir);
    writeFileSync(join(cacheDir, name), first.subarray(0, 100));
    const again = await cachedFrames(new FrameCache(cacheDir), clip, [1, 2, 3, 4], size, decode);
    assert.equal(counter.runs, 2);
    assert.ok(Buffer.from(again).equals(Buffer.from(first)));
  });

  it("lives in the project's media folder by default", () => {
    const project = join(dir, 'study.vskd');
    assert.equal(FrameCache.forProject(project).dir, join(mediaDir(project), 'frame-cache'));
  });
});
