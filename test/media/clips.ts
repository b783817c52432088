/** Small test videos made with ffmpeg's lavfi sources (testsrc2 draws a moving pattern and a counter). */
import { join } from 'node:path';
import { resolveFfmpeg, runTool } from '../../main/media/ffmpeg.ts';

export interface ClipSpec {
  seconds?: number;
  fps?: number;
  width?: number;
  height?: number;
  /** default h264 in .mp4 */
  codec?: 'h264' | 'vp9';
  /** moov atom first (default true); false leaves it at the end, as cameras do */
  faststart?: boolean;
}

export async function makeClip(dir: string, name: string, spec: ClipSpec = {}): Promise<string> {
  const { seconds = 2, fps = 25, width = 160, height = 120, codec = 'h264', faststart = true } = spec;
  const { ffmpeg } = await resolveFfmpeg();
  const out = join(dir, name);
  const encoder =
    codec === 'h264'
      ? ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', ...(faststart ? ['-movflags', '+faststart'] : [])]
      : ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-pix_fmt', 'yuv420p'];
  await runTool(
    ffmpeg,
    ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`, '-t', String(seconds), ...encoder, out],
    {
      timeoutMs: 60_000,
    },
  );
  return out;
}

/** One second of a sine tone: a media file with no video stream. */
export async function makeAudioOnly(dir: string, name: string): Promise<string> {
  const { ffmpeg } = await resolveFfmpeg();
  const out = join(dir, name);
  await runTool(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', out], { timeoutMs: 60_000 });
  return out;
}
