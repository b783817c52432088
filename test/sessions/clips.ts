/**
 * Tiny test videos in the containers and codecs people bring, with a picture whose orientation can be
 * read back: the left half white, the right half black, as stored. A clip tagged to be turned a quarter
 * clockwise then shows (and decodes) with the white half on top.
 */
import { join } from 'node:path';
import { resolveFfmpeg, runTool } from '../../main/media/ffmpeg.ts';
import { decodeFrames } from '../../main/media/frames.ts';

export type ClipKind = 'h264.mp4' | 'vp9.webm' | 'hevc.mkv' | 'mjpeg.avi' | 'h264.mov' | 'hevc.mp4' | 'mpeg4.avi';

const encoders: Record<ClipKind, string[]> = {
  'h264.mp4': ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'],
  'h264.mov': ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'],
  'vp9.webm': ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-pix_fmt', 'yuv420p'],
  'hevc.mkv': ['-c:v', 'libx265', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-x265-params', 'log-level=error'],
  'hevc.mp4': ['-c:v', 'libx265', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-x265-params', 'log-level=error', '-tag:v', 'hvc1'],
  'mjpeg.avi': ['-c:v', 'mjpeg', '-pix_fmt', 'yuvj420p', '-q:v', '3'],
  'mpeg4.avi': ['-c:v', 'mpeg4', '-q:v', '3'],
};

export interface Clip {
  path: string;
  frames: number;
}

/**
 * `frames` frames at 10 fps of 64×48 stored pixels (left half white). `turned`: the rotation tag that
 * this ffmpeg writes for a player to turn the picture a quarter clockwise, as a phone held upright does
 * (the tag's value reads back inverted through the display matrix: see the probe assertion in the tests).
 */
export async function makeTestClip(dir: string, name: string, kind: ClipKind, opts: { frames?: number; turned?: boolean } = {}): Promise<Clip> {
  const { frames = 10, turned = false } = opts;
  const { ffmpeg } = await resolveFfmpeg();
  const out = join(dir, `${name}.${kind.split('.')[1]}`);
  const source = `color=black:size=64x48:rate=10,drawbox=x=0:y=0:w=32:h=48:color=white:t=fill`;
  const plain = turned ? join(dir, `${name}.unturned.${kind.split('.')[1]}`) : out;
  const run = (args: string[]) => runTool(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', ...args], { timeoutMs: 60_000 });
  await run(['-f', 'lavfi', '-i', source, '-frames:v', String(frames), ...encoders[kind], plain]);
  if (turned) await run(['-i', plain, '-c', 'copy', '-metadata:s:v:0', 'rotate=270', out]);
  return { path: out, frames };
}

/** The mean brightness of the top and bottom halves, and of the left and right halves, of a video's first frame at w × h. */
export async function halves(path: string, width: number, height: number): Promise<{ top: number; bottom: number; left: number; right: number }> {
  const gray = await decodeFrames(path, [0], { width, height, channels: 1 });
  let [top, bottom, left, right] = [0, 0, 0, 0];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = gray[y * width + x];
      if (y < height / 2) top += v;
      else bottom += v;
      if (x < width / 2) left += v;
      else right += v;
    }
  const half = (width * height) / 2;
  return { top: top / half, bottom: bottom / half, left: left / half, right: right / half };
}
