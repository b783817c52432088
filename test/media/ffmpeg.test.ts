import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { StudioError } from '../../main/shared/errors.ts';
import { encodeVideo, resolveFfmpeg, runTool } from '../../main/media/ffmpeg.ts';
import { decodeAllFrames } from '../../main/media/frames.ts';
import { probeVideo } from '../../main/media/probe.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const root = new URL('../../', import.meta.url).pathname;

/** Command lines of running processes that contain `marker`. */
function processesWith(marker: string): string[] {
  return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(marker) && !line.includes('ps -eo'));
}

/** resolveFfmpeg in a fresh process with the given environment (the resolution is cached per process). */
function resolveIn(env: Record<string, string>) {
  const script = `import('./main/media/ffmpeg.ts').then((m) => m.resolveFfmpeg()).then((r) => console.log(JSON.stringify(r)), (e) => console.log(JSON.stringify({ code: e.code, message: e.message })))`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  return JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}');
}

describe('resolveFfmpeg', () => {
  it('finds a working ffmpeg and ffprobe and says where from', async () => {
    const bins = await resolveFfmpeg();
    assert.ok(existsSync(bins.ffmpeg) && existsSync(bins.ffprobe));
    assert.match(bins.source, /FFMPEG_PATH|ffmpeg-static|@ffmpeg-installer|PATH/);
    assert.ok(bins.version.length > 0);
    assert.equal(await resolveFfmpeg(), bins, 'resolved once');
  });

  it('honours FFMPEG_PATH, and reports a broken one as UNAVAILABLE', async () => {
    const real = (await resolveFfmpeg()).ffmpeg;
    const pinned = resolveIn({ FFMPEG_PATH: real });
    assert.equal(pinned.ffmpeg, real);
    assert.match(pinned.source, /^FFMPEG_PATH/);
    const broken = resolveIn({ FFMPEG_PATH: join(dir, 'no-such-ffmpeg') });
    assert.equal(broken.code, 'UNAVAILABLE');
    assert.match(broken.message, /FFMPEG_PATH=.*no-such-ffmpeg/);
  });
});

describe('runTool', () => {
  // a marker size, so the test can look for leftover processes by command line
  const endless = (size: string) => ['-hide_banner', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=60`, '-t', '36000', '-f', 'rawvideo', '-'];

  it('kills a run that outlives its timeout and names the timeout', async () => {
    const { ffmpeg } = await resolveFfmpeg();
    const started = performance.now();
    await assert.rejects(runTool(ffmpeg, endless('1922x1082'), { timeoutMs: 400, onStdout: () => {} }), (err: StudioError) => {
      assert.match(err.message, /timeout of 400 ms/);
      return true;
    });
    assert.ok(performance.now() - started < 5000, 'rejected within the grace period');
    assert.deepEqual(processesWith('1922x1082'), []);
  });

  it('stops on abort with CANCELLED, and refuses an already aborted signal', async () => {
    const { ffmpeg } = await resolveFfmpeg();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = performance.now();
    await assert.rejects(runTool(ffmpeg, endless('1924x1084'), { timeoutMs: 60_000, signal: controller.signal, onStdout: () => {} }), {
      code: 'CANCELLED',
    });
    assert.ok(performance.now() - started < 5000);
    assert.deepEqual(processesWith('1924x1084'), []);
    await assert.rejects(runTool(ffmpeg, ['-version'], { timeoutMs: 1000, signal: controller.signal }), { code: 'CANCELLED' });
  });

  it('blames the named file with the end of stderr when the tool fails', async () => {
    const { ffmpeg } = await resolveFfmpeg();
    const missing = join(dir, 'absent.mp4');
    await assert.rejects(runTool(ffmpeg, ['-hide_banner', '-i', missing, '-f', 'null', '-'], { timeoutMs: 10_000, file: missing }), (err: StudioError) => {
      assert.equal(err.code, 'BAD_INPUT');
      assert.equal(err.detail.file, missing);
      assert.ok(err.message.startsWith(`${missing}: ffmpeg failed (exit 1)`));
      assert.match(err.message, /No such file or directory/);
      return true;
    });
  });

  it('stops a tool that writes more than maxStdoutBytes', async () => {
    const { ffmpeg } = await resolveFfmpeg();
    await assert.rejects(runTool(ffmpeg, endless('64x48'), { timeoutMs: 10_000, maxStdoutBytes: 100_000 }), /more than 100000 bytes/);
  });
});

describe('encodeVideo', () => {
  const gradient = (w: number, h: number, i: number) => {
    const frame = new Uint8Array(w * h * 3);
    for (let p = 0; p < w * h; p++) frame.set([(p + i * 8) % 256, (i * 16) % 256, 128], p * 3);
    return frame;
  };

  it('writes a browser-playable H.264 mp4 (yuv420p, even size) from raw frames', async () => {
    const out = join(dir, 'enc.mp4');
    await encodeVideo(out, { width: 65, height: 49, fps: 10, pixFmt: 'rgb24' }, async (write) => {
      for (let i = 0; i < 20; i++) await write(gradient(65, 49, i));
    });
    const info = await probeVideo(out);
    assert.equal(info.codec, 'h264');
    assert.equal(info.pixFmt, 'yuv420p');
    assert.deepEqual([info.width, info.height], [66, 50]);
    assert.equal(info.frameCount, 20);
    assert.equal(info.fps, 10);
    assert.ok(!existsSync(`${out}.partial`));
  });

  it('writes VP9 webm for a .webm name, gray input included', async () => {
    const out = join(dir, 'enc.webm');
    await encodeVideo(out, { width: 32, height: 32, fps: 5, pixFmt: 'gray' }, async (write) => {
      for (let i = 0; i < 5; i++) await write(new Uint8Array(32 * 32).fill(i * 50));
    });
    const info = await probeVideo(out);
    assert.equal(info.codec, 'vp9');
    assert.equal(info.frameCount, 5);
    const { data } = await decodeAllFrames(out, { width: 32, height: 32, channels: 1 });
    assert.ok(Math.abs(data[32 * 32 * 4 + 100] - 200) < 8, 'the last frame is light gray');
  });

  it('keeps backpressure: write waits for ffmpeg, so frames do not pile up in memory', async () => {
    const out = join(dir, 'big.mp4');
    const count = 200; // 184 MB of frames in all
    const baseline = process.memoryUsage().arrayBuffers;
    let peak = 0;
    await encodeVideo(out, { width: 640, height: 480, fps: 30, pixFmt: 'rgb24' }, async (write) => {
      for (let i = 0; i < count; i++) {
        await write(new Uint8Array(640 * 480 * 3).fill(i));
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
      }
    });
    assert.equal((await probeVideo(out)).frameCount, count);
    assert.ok(peak < 90 * 2 ** 20, `at most ${(peak / 2 ** 20).toFixed(0)} MB held`);
  });

  it('refuses a wrong frame size or mismatched codec, leaving no file', async () => {
    const out = join(dir, 'bad.mp4');
    await assert.rejects(
      encodeVideo(out, { width: 4, height: 4, fps: 1, pixFmt: 'rgb24' }, async (write) => write(new Uint8Array(47))),
      /frame 0 has 47 bytes, 4×4 rgb24 needs 48/,
    );
    await assert.rejects(
      encodeVideo(out, { width: 4, height: 4, fps: 1, pixFmt: 'rgb24', codec: 'vp9' }, async () => {}),
      { code: 'INVALID_ARGUMENT' },
    );
    await assert.rejects(
      encodeVideo(out, { width: 4, height: 4, fps: 1, pixFmt: 'rgb24' }, async (write) => {
        await write(new Uint8Array(48));
        throw new Error('generator broke');
      }),
      /generator broke/,
    );
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.startsWith('bad.')),
      [],
    );
  });
});
