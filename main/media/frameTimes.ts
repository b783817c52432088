/**
 * When each frame of a video is shown, from its packets' presentation times (ffprobe reads the
 * container, decoding nothing): a phone's variable-rate clip steps frame by frame only by these.
 */
import { stat } from 'node:fs/promises';
import { badInput } from '../shared/errors.ts';
import { fileInput, resolveFfmpeg, runTool } from './ffmpeg.ts';

/** a step this close to 1 / fps (relative) is a constant rate's */
const REGULAR_TOLERANCE = 0.01;
const PROBE_TIMEOUT_MS = 60_000;

/** path → the file's state and its times, so that reopening a recording reads no file again */
const kept = new Map<string, { size: number; mtimeMs: number; times: Promise<Float64Array> }>();

async function readPacketTimes(path: string): Promise<Float64Array> {
  const { ffprobe } = await resolveFfmpeg();
  const args = ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', '-i', fileInput(path)];
  const { stdout } = await runTool(ffprobe, args, { timeoutMs: PROBE_TIMEOUT_MS, file: path, maxStdoutBytes: 2 ** 26 });
  const times = stdout
    .toString('utf8')
    .split('\n')
    .map((line) => Number.parseFloat(line))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  if (times.length === 0) throw badInput(path, 'its video stream has no packet with a presentation time');
  const first = times[0];
  return Float64Array.from(times, (t) => t - first);
}

/** Each frame's start in seconds from the first frame, in display order. */
export async function videoFrameTimes(path: string): Promise<Float64Array> {
  const info = await stat(path);
  const hit = kept.get(path);
  if (hit && hit.size === info.size && hit.mtimeMs === info.mtimeMs) return hit.times;
  const times = readPacketTimes(path);
  kept.set(path, { size: info.size, mtimeMs: info.mtimeMs, times });
  times.catch(() => kept.delete(path));
  return times;
}

/** Whether frame k starts at k / fps for every k (within a hundredth of a frame): the rate alone then places them. */
export function isConstantRate(times: Float64Array, fps: number): boolean {
  const step = 1 / fps;
  return times.every((t, k) => Math.abs(t - k * step) <= REGULAR_TOLERANCE * step);
}
