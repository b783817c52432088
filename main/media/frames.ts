/**
 * Decoding chosen frames of a video, scaled to a fixed size, as uint8 [K, H, W, C] (C = 3 RGB or 1 gray).
 * decodeFrames reads the file once and keeps only the frames asked for; decodeFramesBySeeking seeks to
 * each one (slower, the cross-check); decodeAllFrames keeps every frame.
 */
import { StudioError, badInput } from '../shared/errors.ts';
import { fileInput, passthroughFrames, resolveFfmpeg, runTool, type FfmpegBinaries } from './ffmpeg.ts';
import { probeVideo, requireMediaFile, type VideoInfo } from './probe.ts';

export interface FrameSize {
  width: number;
  height: number;
  /** 3: RGB, 1: gray */
  channels: 1 | 3;
}

export interface DecodeOptions extends FrameSize {
  /** the video's probe result: checks indices up front (and spares decodeFramesBySeeking a probe) */
  info?: VideoInfo;
  signal?: AbortSignal;
  /** per ffmpeg run; default 5 minutes */
  timeoutMs?: number;
}

const DECODE_TIMEOUT_MS = 5 * 60_000;
const MAX_ALL_FRAMES_BYTES = 2 ** 30;

function frameBytesOf(path: string, { width, height, channels }: FrameSize): number {
  if (![width, height].every((d) => Number.isInteger(d) && d > 0) || (channels !== 1 && channels !== 3)) {
    throw new StudioError('INVALID_ARGUMENT', `${path}: cannot decode to ${width}×${height}×${channels} (whole sizes, 1 or 3 channels)`, { field: 'size' });
  }
  return width * height * channels;
}

/** The distinct indices in ascending order, after checking each one. */
function distinctIndices(path: string, indices: readonly number[], info: VideoInfo | undefined): number[] {
  if (indices.length === 0) throw new StudioError('INVALID_ARGUMENT', `${path}: no frames asked for`, { field: 'indices' });
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0) throw new StudioError('INVALID_ARGUMENT', `${path}: frame index ${i} is not a whole number ≥ 0`, { field: 'indices' });
    // an estimated count may be off by a frame or two; then the decode itself finds out
    if (info && info.frameCountSource !== 'estimate' && i >= info.frameCount) {
      throw new StudioError('INVALID_ARGUMENT', `${path}: frame ${i} is past the end (the video has ${info.frameCount} frames)`, { field: 'indices' });
    }
  }
  return [...new Set(indices)].sort((a, b) => a - b);
}

/** Scaling and pixel conversion in one swscale step; a plain resize to the size, aspect not kept. */
function scaleFilter({ width, height, channels }: FrameSize): string {
  return `scale=${width}:${height}:flags=bilinear,format=${channels === 3 ? 'rgb24' : 'gray'}`;
}

function rawOutput(size: FrameSize): string[] {
  return ['-an', '-sn', '-dn', '-pix_fmt', size.channels === 3 ? 'rgb24' : 'gray', '-f', 'rawvideo', 'pipe:1'];
}

/**
 * Copies a stream of distinct frames (ascending) into every output slot that asked for each, as the
 * bytes arrive: duplicates and any order cost no second buffer.
 */
class FrameScatter {
  readonly out: Uint8Array;
  private received = 0;
  private readonly slots: number[][];

  constructor(
    indices: readonly number[],
    distinct: readonly number[],
    private readonly frameBytes: number,
  ) {
    this.out = new Uint8Array(indices.length * frameBytes);
    const slotOf = new Map(distinct.map((frame, u) => [frame, u]));
    this.slots = distinct.map(() => []);
    indices.forEach((frame, k) => this.slots[slotOf.get(frame) as number].push(k));
  }

  get framesReceived(): number {
    return Math.floor(this.received / this.frameBytes);
  }

  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      const u = Math.floor(this.received / this.frameBytes);
      const within = this.received % this.frameBytes;
      const take = Math.min(this.frameBytes - within, chunk.length - at);
      const piece = chunk.subarray(at, at + take);
      for (const k of this.slots[u]) this.out.set(piece, k * this.frameBytes + within);
      at += take;
      this.received += take;
    }
  }
}

function missingFrames(path: string, distinct: readonly number[], got: number): StudioError {
  return badInput(
    path,
    `ffmpeg returned ${got} of the ${distinct.length} frames asked for; frame ${distinct[got]} is past the end of the video (or the file is truncated)`,
  );
}

/**
 * The frames `indices` (0-based decode order, duplicates allowed) in that order, as [K, H, W, C] uint8,
 * from ONE ffmpeg pass: a select filter on the frame number keeps them, the rest are decoded and dropped
 * without scaling, and ffmpeg stops after the last one.
 */
export async function decodeFrames(path: string, indices: readonly number[], opts: DecodeOptions): Promise<Uint8Array> {
  const frameBytes = frameBytesOf(path, opts);
  const distinct = distinctIndices(path, indices, opts.info);
  await requireMediaFile(path);
  const bins = await resolveFfmpeg();
  const select = `select='${distinct.map((n) => `eq(n\\,${n})`).join('+')}'`;
  const scatter = new FrameScatter(indices, distinct, frameBytes);
  const args = [...decodeInput(path, `${select},${scaleFilter(opts)}`, bins), '-frames:v', String(distinct.length), ...rawOutput(opts)];
  await decodeInto(bins.ffmpeg, args, path, opts, scatter, distinct.length * frameBytes);
  if (scatter.framesReceived < distinct.length) throw missingFrames(path, distinct, scatter.framesReceived);
  return scatter.out;
}

/** ffmpeg's arguments up to the output: the first video stream of `path` through `filter`, every frame passed on. */
function decodeInput(path: string, filter: string, bins: FfmpegBinaries): string[] {
  return ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', fileInput(path), '-map', '0:v:0', '-vf', filter, ...passthroughFrames(bins)];
}

/** Runs one ffmpeg decode whose raw frames go straight into `scatter` (at most `maxBytes` of them). */
function decodeInto(ffmpeg: string, args: string[], path: string, opts: DecodeOptions, scatter: FrameScatter, maxBytes: number): Promise<unknown> {
  return runTool(ffmpeg, args, {
    timeoutMs: opts.timeoutMs ?? DECODE_TIMEOUT_MS,
    signal: opts.signal,
    file: path,
    onStdout: (chunk) => scatter.push(chunk),
    maxStdoutBytes: maxBytes,
  });
}

/**
 * The same frames as decodeFrames, by one ffmpeg run per distinct frame: seek to the keyframe before it,
 * then keep the first frame from its timestamp on. Assumes a constant frame rate (frame n at n/fps).
 */
export async function decodeFramesBySeeking(path: string, indices: readonly number[], opts: DecodeOptions): Promise<Uint8Array> {
  const frameBytes = frameBytesOf(path, opts);
  const info = opts.info ?? (await probeVideo(path, { signal: opts.signal, timeoutMs: opts.timeoutMs }));
  const distinct = distinctIndices(path, indices, info);
  const bins = await resolveFfmpeg();
  const scatter = new FrameScatter(indices, distinct, frameBytes);
  for (const [u, n] of distinct.entries()) {
    // half a frame early, so rounding in the timestamps cannot skip frame n
    const from = Math.max(0, info.startTime + (n - 0.5) / info.fps).toFixed(6);
    const args = [
      '-hide_banner',
      '-loglevel',
      'error',
      '-nostdin',
      '-noaccurate_seek',
      '-ss',
      from,
      '-copyts',
      '-i',
      fileInput(path),
      '-map',
      '0:v:0',
      '-vf',
      `select='gte(t\\,${from})',${scaleFilter(opts)}`,
      ...passthroughFrames(bins),
      '-frames:v',
      '1',
      ...rawOutput(opts),
    ];
    await decodeInto(bins.ffmpeg, args, path, opts, scatter, frameBytes);
    if (scatter.framesReceived < u + 1) throw missingFrames(path, distinct, u);
  }
  return scatter.out;
}

export interface AllFrames {
  /** [count, H, W, C] uint8; frame i is the i-th decoded frame */
  data: Uint8Array;
  count: number;
}

/** Every frame of the video at a (small) size, in one pass. Refuses output beyond 1 GiB. */
export async function decodeAllFrames(path: string, opts: FrameSize & { signal?: AbortSignal; timeoutMs?: number }): Promise<AllFrames> {
  const frameBytes = frameBytesOf(path, opts);
  await requireMediaFile(path);
  const bins = await resolveFfmpeg();
  const args = [...decodeInput(path, scaleFilter(opts), bins), ...rawOutput(opts)];
  const { stdout } = await runTool(bins.ffmpeg, args, {
    timeoutMs: opts.timeoutMs ?? DECODE_TIMEOUT_MS,
    signal: opts.signal,
    file: path,
    maxStdoutBytes: MAX_ALL_FRAMES_BYTES,
  });
  const count = Math.floor(stdout.length / frameBytes);
  if (count === 0) throw badInput(path, 'no frame could be decoded');
  return { data: new Uint8Array(stdout.buffer, stdout.byteOffset, count * frameBytes), count };
}
