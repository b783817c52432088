/**
 * Playback proxies: a copy of a video that Chromium's <video> can play, for originals it cannot
 * (HEVC, MJPEG, MPEG-4 part 2, an AVI or MKV container, 4:4:4 or 10-bit pictures). The original stays
 * what frames are decoded from; the proxy is only watched, so it keeps the original's frames one for
 * one (same count, same times), upright, at most 1920 pixels on its longer side.
 *
 * A video whose codec plays but whose container the media route does not serve (H.264 in MOV or MKV,
 * VP9 in MKV), and that needs no turning, is remuxed: its stream copied, in seconds. Anything else is
 * transcoded to H.264 (yuv420p) in mp4.
 */
import { rename, rm } from 'node:fs/promises';
import { extname } from 'node:path';
import { StudioError } from '../shared/errors.ts';
import { fileInput, passthroughFrames, resolveFfmpeg, runTool } from './ffmpeg.ts';
import type { VideoInfo } from './probe.ts';

/** none: the original plays; remux: its stream copied into mp4/webm; transcode: encoded again as H.264 */
export type ProxyNeed = 'none' | 'remux' | 'transcode';

/** Chromium's codecs per container the media route serves, and the pictures it decodes everywhere. */
const PLAYS: Record<string, readonly string[]> = { '.mp4': ['h264', 'vp9', 'av1'], '.m4v': ['h264', 'vp9', 'av1'], '.webm': ['vp8', 'vp9', 'av1'] };
const PLAYABLE_PIXELS = new Set(['yuv420p', 'yuvj420p']);
const REMUX_TO: Record<string, '.mp4' | '.webm'> = { h264: '.mp4', vp8: '.webm', vp9: '.webm', av1: '.mp4' };
/** The proxy's longer side at most. */
const MAX_SIDE = 1920;
/** Proxies of long videos take a while: an hour of 4K on a slow machine. */
const PROXY_TIMEOUT_MS = 6 * 60 * 60_000;

export function proxyNeed(path: string, info: VideoInfo): ProxyNeed {
  const pictureOk = PLAYABLE_PIXELS.has(info.pixFmt);
  if (pictureOk && PLAYS[extname(path).toLowerCase()]?.includes(info.codec)) return 'none';
  return pictureOk && info.rotation === 0 && REMUX_TO[info.codec] ? 'remux' : 'transcode';
}

/** The extension of the proxy made for this need: the remuxed codec's container, else mp4. */
export function proxyExtension(info: VideoInfo, need: Exclude<ProxyNeed, 'none'>): '.mp4' | '.webm' {
  return need === 'remux' ? REMUX_TO[info.codec]! : '.mp4';
}

/**
 * The file a video stream plays from: its proxy when one was made (meta.playbackPath), else its own
 * file unless it needs a proxy (meta.needsProxy) that is not made yet: then null.
 */
export function playbackPath(meta: Record<string, unknown>): string | null {
  if (typeof meta.playbackPath === 'string') return meta.playbackPath;
  if (meta.needsProxy === true || typeof meta.path !== 'string') return null;
  return meta.path;
}

export interface ProxyOptions {
  signal?: AbortSignal;
  /** seconds of the video done so far, as ffmpeg reports them */
  onProgress?: (seconds: number) => void;
}

function encodeArgs(need: Exclude<ProxyNeed, 'none'>, ext: '.mp4' | '.webm'): string[] {
  const audio = ext === '.webm' ? ['-c:a', 'libopus', '-b:a', '96k'] : ['-c:a', 'aac', '-b:a', '128k'];
  if (need === 'remux') return ['-c:v', 'copy', ...audio, ...(ext === '.mp4' ? ['-movflags', '+faststart'] : [])];
  // ffmpeg turns the picture upright while decoding (autorotate); the proxy then carries no rotation
  const fit = `min(1\\,${MAX_SIDE}/max(iw\\,ih))`;
  return [
    '-vf',
    `scale=trunc(iw*${fit}/2)*2:trunc(ih*${fit}/2)*2`,
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '23',
    '-pix_fmt',
    'yuv420p',
    '-metadata:s:v:0',
    'rotate=0',
    ...audio,
    '-movflags',
    '+faststart',
  ];
}

/** ffmpeg's -progress lines on stdout: out_time_ms is in microseconds despite its name. */
function progressReader(onProgress: ((seconds: number) => void) | undefined): (chunk: Buffer) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const match = /^out_time_ms=(\d+)/.exec(line);
      if (match) onProgress?.(Number(match[1]) / 1e6);
    }
  };
}

/**
 * Writes the proxy of `original` (which `info` describes) to `out`, whose extension proxyExtension
 * chose. The file appears only when complete; a failure or cancel removes the partial one.
 */
export async function makeProxy(original: string, out: string, info: VideoInfo, need: Exclude<ProxyNeed, 'none'>, opts: ProxyOptions = {}): Promise<void> {
  const ext = proxyExtension(info, need);
  if (extname(out).toLowerCase() !== ext) throw new StudioError('INTERNAL', `${out}: a ${need} proxy of ${info.codec} is a ${ext} file`, { file: out });
  const bins = await resolveFfmpeg();
  const partial = `${out}.partial`;
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-y',
    '-i',
    fileInput(original),
    '-map',
    `0:${info.streamIndex}`,
    '-map',
    '0:a:0?',
    '-sn',
    '-dn',
    ...encodeArgs(need, ext),
    ...passthroughFrames(bins),
    '-progress',
    'pipe:1',
    '-nostats',
    '-f',
    ext === '.webm' ? 'webm' : 'mp4',
    partial,
  ];
  try {
    await runTool(bins.ffmpeg, args, { timeoutMs: PROXY_TIMEOUT_MS, signal: opts.signal, file: original, onStdout: progressReader(opts.onProgress) });
    await rename(partial, out);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}
