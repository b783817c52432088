/**
 * Tiny clips whose every frame shows its own index as its brightness (luma 16 + 8 k), so that a test
 * can read off a picture which frame a player shows: constant rates (25, 29.97, 30 fps) and a
 * variable-rate one whose frames alternate long and short, as a phone's do.
 */
import { join } from 'node:path';
import { resolveFfmpeg, runTool } from '../../main/media/ffmpeg.ts';

/** frames per clip: luma stays inside 16 … 235 */
export const CLIP_FRAMES = 24;
export const lumaOf = (frame: number) => 16 + 8 * frame;
/** the frame whose luma is nearest */
export const frameOfLuma = (luma: number) => Math.round((luma - 16) / 8);

/** the variable-rate clip's frame k starts here: 60 fps with every third frame dropped, so steps of 33.3 and 16.7 ms in turn */
export const variableStart = (k: number) => (k + Math.ceil(k / 2)) / 60;

/** geq's N counts the frames reaching it: after a select, the output's own index */
const brightness = `geq=lum='16+8*N':cb=128:cr=128`;

async function encode(out: string, rate: string, filters: string, timing: string[]): Promise<string> {
  const { ffmpeg } = await resolveFfmpeg();
  const input = ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `color=c=black:size=64x48:rate=${rate}`];
  const encoder = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '8', '-g', '4', '-pix_fmt', 'yuv420p', '-movflags', '+faststart'];
  await runTool(ffmpeg, [...input, '-vf', filters, '-frames:v', String(CLIP_FRAMES), ...timing, ...encoder, out], { timeoutMs: 60_000 });
  return out;
}

/** A constant-rate clip at `rate` ('25', '30000/1001', '30'). */
export function constantClip(dir: string, rate: string): Promise<string> {
  return encode(join(dir, `frames-${rate.replace('/', '_')}.mp4`), rate, brightness, []);
}

/** The variable-rate clip: frame k at variableStart(k). */
export async function variableClip(dir: string): Promise<string> {
  const { hasFpsMode } = await resolveFfmpeg();
  return encode(join(dir, 'frames-vfr.mp4'), '60', `select='not(eq(mod(n\\,3)\\,1))',${brightness}`, hasFpsMode ? ['-fps_mode', 'vfr'] : ['-vsync', 'vfr']);
}
