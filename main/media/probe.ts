/** What a video file holds, from ffprobe: duration, frame rate, frame count, size, codec, rotation. */
import { stat } from 'node:fs/promises';
import { StudioError, badInput } from '../shared/errors.ts';
import { fileInput, resolveFfmpeg, runTool } from './ffmpeg.ts';

export interface VideoInfo {
  /** seconds */
  duration: number;
  /** frames per second: the average rate, else the stream's base rate */
  fps: number;
  frameCount: number;
  /** where frameCount came from: the container's header, counting packets, or duration × fps */
  frameCountSource: 'header' | 'packets' | 'estimate';
  /** the stored size, before rotation */
  width: number;
  height: number;
  /** the time of the first frame in seconds (usually 0) */
  startTime: number;
  /** e.g. 'h264', 'vp9' */
  codec: string;
  /** degrees clockwise a player turns the picture (0, 90, 180, 270); ffmpeg's decoding applies it */
  rotation: number;
  /** e.g. 'yuv420p' */
  pixFmt: string;
  /** the index of the video stream in the file */
  streamIndex: number;
}

export interface ProbeOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

interface ProbeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  start_time?: string;
  duration?: string;
  nb_frames?: string;
  nb_read_packets?: string;
  nb_read_frames?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: { side_data_type?: string; rotation?: number }[];
}

interface ProbeOutput {
  streams?: ProbeStream[];
  format?: { duration?: string; start_time?: string };
}

const PROBE_TIMEOUT_MS = 30_000;

/** "30000/1001" → 29.97; undefined for "0/0" and other non-rates */
function parseRate(text: string | undefined): number | undefined {
  const [num, den = '1'] = (text ?? '').split('/');
  const rate = Number(num) / Number(den);
  return Number.isFinite(rate) && rate > 0 ? rate : undefined;
}

function positive(text: string | undefined): number | undefined {
  const value = Number(text);
  return text !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}

function rotationOf(stream: ProbeStream): number {
  // ffprobe's display-matrix rotation is counter-clockwise; the older `rotate` tag is clockwise
  const matrix = stream.side_data_list?.find((s) => s.side_data_type === 'Display Matrix' && typeof s.rotation === 'number');
  const clockwise = matrix ? -(matrix.rotation as number) : Number(stream.tags?.rotate ?? 0);
  if (!Number.isFinite(clockwise)) return 0;
  return (((Math.round(clockwise / 90) * 90) % 360) + 360) % 360;
}

/** ffprobe's failure (the tail of its stderr, several lines) as a one-line BAD_INPUT: its last line says most. */
function oneLineToolError(path: string): (err: unknown) => never {
  return (err) => {
    if (!(err instanceof StudioError && err.code === 'BAD_INPUT')) throw err;
    const [summary, ...tail] = err.message.slice(path.length + 2).split('\n');
    const last = tail.at(-1)?.trim();
    throw badInput(path, shortLine(last ? `${summary!.replace(/:.*$/, '')}: ${last}` : summary!));
  };
}

/** A line short enough for a one-line message. */
function shortLine(text: string): string {
  const line = text.trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

async function ffprobeJson(ffprobe: string, args: string[], path: string, opts: ProbeOptions): Promise<ProbeOutput> {
  const { stdout } = await runTool(ffprobe, ['-v', 'error', '-print_format', 'json', ...args, '-i', fileInput(path)], {
    timeoutMs: opts.timeoutMs ?? PROBE_TIMEOUT_MS,
    signal: opts.signal,
    file: path,
    maxStdoutBytes: 16 * 2 ** 20,
  }).catch(oneLineToolError(path));
  try {
    return JSON.parse(stdout.toString('utf8')) as ProbeOutput;
  } catch {
    throw badInput(path, 'ffprobe gave no readable description of the file');
  }
}

/** NOT_FOUND for a missing file, BAD_INPUT for a folder or an empty file: what ffmpeg reports obscurely. */
export async function requireMediaFile(path: string): Promise<void> {
  const stats = await stat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new StudioError('NOT_FOUND', `${path}: no such file`, { file: path });
    throw badInput(path, `cannot read the file (${err.code ?? err.message})`);
  });
  if (!stats.isFile()) throw badInput(path, 'is not a file');
  if (stats.size === 0) throw badInput(path, 'is empty (0 bytes)');
}

/** Reads a video's stream facts; BAD_INPUT (naming the file) for anything that is not a readable video. */
export async function probeVideo(path: string, opts: ProbeOptions = {}): Promise<VideoInfo> {
  await requireMediaFile(path);

  const { ffprobe } = await resolveFfmpeg();
  const probed = await ffprobeJson(ffprobe, ['-show_streams', '-show_format'], path, opts);
  // a cover picture in an audio file is a "video" stream of one frame: not a video
  const stream = probed.streams?.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  if (!stream) throw badInput(path, 'has no video stream');
  const width = stream.width ?? 0;
  const height = stream.height ?? 0;
  if (width <= 0 || height <= 0) throw badInput(path, 'its video stream has no picture size (corrupt?)');
  const fps = parseRate(stream.avg_frame_rate) ?? parseRate(stream.r_frame_rate);
  if (fps === undefined) throw badInput(path, 'its video stream has no frame rate');

  let frameCount = positive(stream.nb_frames);
  let frameCountSource: VideoInfo['frameCountSource'] = 'header';
  if (frameCount === undefined) {
    // webm/mkv headers carry no frame count; counting packets reads the file without decoding it
    const counted = await ffprobeJson(
      ffprobe,
      ['-count_packets', '-select_streams', String(stream.index), '-show_entries', 'stream=nb_read_packets'],
      path,
      opts,
    );
    frameCount = positive(counted.streams?.[0]?.nb_read_packets);
    frameCountSource = 'packets';
  }
  const duration = positive(stream.duration) ?? positive(probed.format?.duration) ?? (frameCount !== undefined ? frameCount / fps : undefined);
  if (duration === undefined) throw badInput(path, 'has neither a duration nor a frame count');
  if (frameCount === undefined) {
    frameCount = Math.max(1, Math.round(duration * fps));
    frameCountSource = 'estimate';
  }
  return {
    duration,
    fps,
    frameCount,
    frameCountSource,
    width,
    height,
    startTime: Number(stream.start_time ?? probed.format?.start_time ?? 0) || 0,
    codec: stream.codec_name ?? 'unknown',
    rotation: rotationOf(stream),
    pixFmt: stream.pix_fmt ?? 'unknown',
    streamIndex: stream.index,
  };
}

/** Decoding takes longer than probing: a whole clip, on a busy machine. */
const VERIFY_TIMEOUT_MS = 120_000;

/**
 * Decodes every frame of the video stream that `info` describes and checks that it decodes without an
 * error and to `expectedFrames` frames: what a truncated, shortened or bit-flipped file fails, though its
 * container header still reads. BAD_INPUT naming the file otherwise.
 */
export async function verifyVideo(path: string, info: VideoInfo, expectedFrames: number, opts: ProbeOptions = {}): Promise<void> {
  const { ffprobe } = await resolveFfmpeg();
  const args = [
    '-v',
    'error',
    '-print_format',
    'json',
    '-count_frames',
    '-select_streams',
    String(info.streamIndex),
    '-show_entries',
    'stream=nb_read_frames',
    '-i',
    fileInput(path),
  ];
  const { stdout, stderr } = await runTool(ffprobe, args, {
    timeoutMs: opts.timeoutMs ?? VERIFY_TIMEOUT_MS,
    signal: opts.signal,
    file: path,
    maxStdoutBytes: 2 ** 20,
  }).catch(oneLineToolError(path));
  if (stderr.trim() !== '') throw badInput(path, `does not decode cleanly (corrupt?): ${shortLine(stderr.trim().split('\n')[0]!)}`);
  let decoded: number | undefined;
  try {
    decoded = positive((JSON.parse(stdout.toString('utf8')) as ProbeOutput).streams?.[0]?.nb_read_frames);
  } catch {
    decoded = undefined;
  }
  if (decoded !== expectedFrames) {
    throw badInput(path, `decodes to ${decoded ?? 0} frames, expected ${expectedFrames} (truncated or shortened?)`);
  }
}

/** The picture's size as it is shown and decoded (ffmpeg turns it upright): width and height swapped by a quarter turn. */
export function displaySize(info: Pick<VideoInfo, 'width' | 'height' | 'rotation'>): { width: number; height: number } {
  const quarter = info.rotation === 90 || info.rotation === 270;
  return quarter ? { width: info.height, height: info.width } : { width: info.width, height: info.height };
}
