/**
 * Frame sampling: clips per second for 8-segment TSN sampling of a 10 s 640×480 30 fps H.264 clip at
 * 112×112 in one ffmpeg pass, by 8 seeks, and one full decode of the clip at the same size.
 * Target: sampling costs no more than 1.2× one full decode.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveFfmpeg, runTool } from '../main/media/ffmpeg.ts';
import { decodeAllFrames, decodeFrames, decodeFramesBySeeking } from '../main/media/frames.ts';
import { probeVideo } from '../main/media/probe.ts';
import { segmentIndices } from '../main/media/segments.ts';
import { mulberry32 } from '../main/random.ts';
import { rate } from './data.ts';

export default async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vskd-bench-frames-'));
  try {
    const bins = await resolveFfmpeg();
    console.log(`ffmpeg ${bins.version} (${bins.source})`);
    const clip = join(dir, 'clip.mp4');
    await runTool(
      bins.ffmpeg,
      ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x480:rate=30', '-t', '10', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip],
      { timeoutMs: 120_000 },
    );
    const info = await probeVideo(clip);
    const size = { width: 112, height: 112, channels: 3 as const, info };
    const rng = mulberry32(1);
    const draw = () => segmentIndices(info.frameCount, 8, 'train', rng);

    const onePass = await rate(() => decodeFrames(clip, draw(), size), 4);
    const seeks = await rate(() => decodeFramesBySeeking(clip, draw(), size), 4);
    const full = await rate(() => decodeAllFrames(clip, size), 4);
    const line = (label: string, perSecond: number) =>
      console.log(`${label.padEnd(36)} ${perSecond.toFixed(2).padStart(6)} clips/s  (${(1000 / perSecond).toFixed(0)} ms/clip)`);
    console.log(`clip: ${info.frameCount} frames, ${info.width}×${info.height} ${info.codec} at ${info.fps} fps; output 8×112×112×3`);
    line('8 segments, one pass (select)', onePass);
    line('8 segments, 8 seeks', seeks);
    line(`full decode (${info.frameCount} frames)`, full);
    console.log(`sampling / full decode: ${(full / onePass).toFixed(2)}× (target ≤ 1.2×); seeks / full decode: ${(full / seeks).toFixed(2)}×`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
