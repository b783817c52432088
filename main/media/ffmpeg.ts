/**
 * The ffmpeg layer: which ffmpeg/ffprobe binaries to use, the one child-process runner every ffmpeg
 * call goes through (always a timeout, killed on abort), and raw-frame encoding to browser video.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { delimiter, extname, join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { StudioError } from '../shared/errors.ts';

export interface FfmpegBinaries {
  ffmpeg: string;
  ffprobe: string;
  /** where they came from: 'FFMPEG_PATH', 'ffmpeg-static', '@ffmpeg-installer/ffmpeg', 'PATH', joined by ' + ' when ffprobe's differs */
  source: string;
  /** ffmpeg's version as it states it ('6.1.1', or a build name such as 'N-47683-g0e8eb07980-static') */
  version: string;
  ffprobeVersion: string;
  /** whether this ffmpeg takes -fps_mode (5.1+); older ones only know -vsync */
  hasFpsMode: boolean;
}

type Located = string | { missing: string };

interface Candidate {
  source: string;
  /** a path, or the reason there is none from this source */
  locate: () => Located | Promise<Located>;
}

const requirePackage = createRequire(import.meta.url);
const VERSION_TIMEOUT_MS = 15_000;
const KILL_GRACE_MS = 1_000;
const STDERR_TAIL_BYTES = 16_384;

/** In a packaged Electron app the binaries sit beside the asar archive, not inside it. */
function unpacked(path: string): string {
  return path.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
}

function fromPackage(name: string, pick: (exported: unknown) => unknown): Located {
  try {
    const path = pick(requirePackage(name));
    return typeof path === 'string' && path !== '' ? unpacked(path) : { missing: `${name} has no binary for ${process.platform}-${process.arch}` };
  } catch (err) {
    // @ffmpeg-installer throws a plain string when its platform package is absent
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return { missing: `${name} is not installed (${why})` };
  }
}

async function onPath(name: string): Promise<Located> {
  const file = process.platform === 'win32' ? `${name}.exe` : name;
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const path = join(dir, file);
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {
      // not in this folder
    }
  }
  return { missing: `no ${file} on PATH` };
}

const installerPath = (exported: unknown) => (exported as { path?: string }).path;

const FFMPEG_CANDIDATES: Candidate[] = [
  { source: 'ffmpeg-static', locate: () => fromPackage('ffmpeg-static', (path) => path) },
  { source: '@ffmpeg-installer/ffmpeg', locate: () => fromPackage('@ffmpeg-installer/ffmpeg', installerPath) },
  { source: 'PATH', locate: () => onPath('ffmpeg') },
];

// ffmpeg-static ships no ffprobe, so after the env var the npm source is @ffprobe-installer
const FFPROBE_CANDIDATES: Candidate[] = [
  { source: '@ffprobe-installer/ffprobe', locate: () => fromPackage('@ffprobe-installer/ffprobe', installerPath) },
  { source: 'PATH', locate: () => onPath('ffprobe') },
];

/** The version `<bin> -version` states (e.g. '6.1.1'), or why the binary does not run. */
async function versionOf(bin: string): Promise<Located> {
  try {
    const { stdout } = await runTool(bin, ['-hide_banner', '-version'], { timeoutMs: VERSION_TIMEOUT_MS });
    const firstLine = stdout.toString('utf8').split('\n')[0] ?? '';
    return /version (\S+)/.exec(firstLine)?.[1] ?? (firstLine.trim() || 'unknown');
  } catch (err) {
    return { missing: `${bin} does not run (${err instanceof Error ? err.message : String(err)})` };
  }
}

/** Picks one binary: the env var if set (and then only it), else the first candidate that runs. */
async function pick(tool: 'ffmpeg' | 'ffprobe', candidates: Candidate[]): Promise<{ path: string; source: string; version: string }> {
  const envName = tool === 'ffmpeg' ? 'FFMPEG_PATH' : 'FFPROBE_PATH';
  const fromEnv = process.env[envName];
  if (fromEnv) {
    // an explicit setting that does not work is a mistake to report, not to route around
    const version = await versionOf(fromEnv);
    if (typeof version !== 'string') throw new StudioError('UNAVAILABLE', `${envName}=${fromEnv}: ${version.missing}`, { field: envName });
    return { path: fromEnv, source: envName, version };
  }
  const tried: string[] = [`${envName} is not set`];
  for (const candidate of candidates) {
    const path = await candidate.locate();
    if (typeof path !== 'string') {
      tried.push(path.missing);
      continue;
    }
    const version = await versionOf(path);
    if (typeof version === 'string') return { path, source: candidate.source, version };
    tried.push(version.missing);
  }
  throw new StudioError('UNAVAILABLE', `no ${tool} found; tried: ${tried.join('; ')}`);
}

async function supportsFpsMode(ffmpeg: string): Promise<boolean> {
  const { stdout } = await runTool(ffmpeg, ['-hide_banner', '-h', 'long'], { timeoutMs: VERSION_TIMEOUT_MS });
  return stdout.includes('-fps_mode');
}

let resolved: Promise<FfmpegBinaries> | undefined;

/**
 * The ffmpeg and ffprobe this process uses (resolved once): FFMPEG_PATH/FFPROBE_PATH, ffmpeg-static,
 * @ffmpeg-installer/ffmpeg + @ffprobe-installer/ffprobe, then PATH. UNAVAILABLE lists what was tried.
 */
export function resolveFfmpeg(): Promise<FfmpegBinaries> {
  resolved ??= (async () => {
    const ffmpeg = await pick('ffmpeg', FFMPEG_CANDIDATES);
    const ffprobe = await pick('ffprobe', FFPROBE_CANDIDATES);
    return {
      ffmpeg: ffmpeg.path,
      ffprobe: ffprobe.path,
      source: ffmpeg.source === ffprobe.source ? ffmpeg.source : `${ffmpeg.source} + ${ffprobe.source}`,
      version: ffmpeg.version,
      ffprobeVersion: ffprobe.version,
      hasFpsMode: await supportsFpsMode(ffmpeg.path),
    };
  })();
  // a failed resolution is retried next time (the user may have just installed ffmpeg)
  resolved.catch(() => (resolved = undefined));
  return resolved;
}

/** A path as an ffmpeg input that cannot be taken for a protocol or an option ('a:b.mp4', '-x.mp4'). */
export function fileInput(path: string): string {
  return `file:${path}`;
}

/** ffmpeg's output option that keeps every selected frame as it is (no duplication or dropping). */
export function passthroughFrames(bins: FfmpegBinaries): string[] {
  return bins.hasFpsMode ? ['-fps_mode', 'passthrough'] : ['-vsync', 'passthrough'];
}

export interface RunOptions {
  /** required: a stuck ffmpeg is killed after this long */
  timeoutMs: number;
  signal?: AbortSignal;
  /** fed to the child's stdin (a Readable is piped with backpressure) */
  input?: Readable | Buffer;
  /** receives stdout as it comes; then the result's stdout is empty */
  onStdout?: (chunk: Buffer) => void;
  /** stdout beyond this kills the child (a guard against runaway output) */
  maxStdoutBytes?: number;
  /** the input file a failure is blamed on: failures become BAD_INPUT naming it */
  file?: string;
}

export interface RunResult {
  stdout: Buffer;
  /** the tail of stderr */
  stderr: string;
}

function lastLines(text: string, count = 6): string {
  return text.trim().split('\n').slice(-count).join('\n').trim();
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

/**
 * Runs a tool (ffmpeg, ffprobe) to completion. On timeout, abort or too much output the child gets
 * SIGTERM, then SIGKILL after a grace period; the promise settles only once the child is gone.
 */
export function runTool(bin: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  const { timeoutMs, signal, input, onStdout, maxStdoutBytes = Infinity, file } = opts;
  const tool = bin.split(/[\\/]/).pop() ?? bin;
  const about = file ? ` on ${file}` : '';
  if (signal?.aborted) return Promise.reject(new StudioError('CANCELLED', `${tool}${about} was cancelled`, file ? { file } : {}));

  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'], windowsHide: true });
    const stdoutChunks: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let failure: StudioError | undefined;
    let killTimer: NodeJS.Timeout | undefined;

    const stop = (error: StudioError) => {
      if (failure) return;
      failure = error;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(
      () => stop(new StudioError('UNAVAILABLE', `${tool}${about} did not finish within its timeout of ${seconds(timeoutMs)}`, file ? { file } : {})),
      timeoutMs,
    );
    const onAbort = () => stop(new StudioError('CANCELLED', `${tool}${about} was cancelled`, file ? { file } : {}));
    signal?.addEventListener('abort', onAbort, { once: true });

    // stdout and stderr are always piped (see stdio above)
    child.stdout!.on('data', (chunk: Buffer) => {
      if (failure) return;
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdoutBytes) {
        stop(new StudioError('INTERNAL', `${tool}${about} wrote more than ${maxStdoutBytes} bytes; stopped it`, file ? { file } : {}));
        return;
      }
      if (onStdout) onStdout(chunk);
      else stdoutChunks.push(chunk);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    if (input && child.stdin) {
      // an early exit closes the pipe; the exit status reports why, so EPIPE itself is not news
      child.stdin.on('error', () => {});
      if (Buffer.isBuffer(input)) child.stdin.end(input);
      else input.pipe(child.stdin);
    }

    let spawnError: Error | undefined;
    child.on('error', (err) => (spawnError = err));
    child.on('close', (code, killedBy) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      signal?.removeEventListener('abort', onAbort);
      if (failure) return reject(failure);
      if (spawnError) return reject(new StudioError('UNAVAILABLE', `cannot run ${bin}: ${spawnError.message}`));
      if (code !== 0) {
        const why = lastLines(stderr) || `exit ${code ?? killedBy}`;
        const message = `${tool} failed (exit ${code ?? killedBy}): ${why}`;
        return reject(file ? new StudioError('BAD_INPUT', `${file}: ${message}`, { file }) : new StudioError('INTERNAL', message));
      }
      resolve({ stdout: Buffer.concat(stdoutChunks), stderr });
    });
  });
}

export interface EncodeSpec {
  width: number;
  height: number;
  fps: number;
  /** the layout of each raw frame: 3 bytes per pixel (RGB) or 1 (gray), rows top to bottom */
  pixFmt: 'rgb24' | 'gray';
  /** h264 → .mp4, vp9 → .webm; by default chosen from the output's extension */
  codec?: 'h264' | 'vp9';
  /** quality (lower is better): default 23 for h264, 32 for vp9 */
  crf?: number;
}

export interface EncodeOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

const ENCODE_TIMEOUT_MS = 10 * 60_000;

function codecFor(out: string, codec: EncodeSpec['codec']): 'h264' | 'vp9' {
  const ext = extname(out).toLowerCase();
  const fromExt = ext === '.webm' ? 'vp9' : ext === '.mp4' || ext === '.m4v' || ext === '.mov' ? 'h264' : undefined;
  if (codec && fromExt && codec !== fromExt) {
    throw new StudioError('INVALID_ARGUMENT', `${out}: ${codec} goes in ${codec === 'vp9' ? '.webm' : '.mp4'}, not ${ext}`, { field: 'codec' });
  }
  const chosen = codec ?? fromExt;
  if (!chosen) throw new StudioError('INVALID_ARGUMENT', `${out}: write .mp4 (H.264) or .webm (VP9)`, { file: out });
  return chosen;
}

function encoderArgs(codec: 'h264' | 'vp9', crf: number | undefined): string[] {
  // yuv420p is the only chroma layout every browser decodes
  if (codec === 'h264') {
    return ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(crf ?? 23), '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-f', 'mp4'];
  }
  return [
    '-c:v',
    'libvpx-vp9',
    '-crf',
    String(crf ?? 32),
    '-b:v',
    '0',
    '-deadline',
    'good',
    '-cpu-used',
    '4',
    '-row-mt',
    '1',
    '-pix_fmt',
    'yuv420p',
    '-f',
    'webm',
  ];
}

/**
 * Encodes raw frames into a browser-playable video: H.264 mp4 (yuv420p, +faststart) or VP9 webm.
 * `writeFrames` calls `write` once per frame, awaiting it (ffmpeg's stdin backpressure). Odd sizes are
 * padded by one black row/column (yuv420p needs even ones). The file appears only when complete.
 */
export async function encodeVideo(
  out: string,
  spec: EncodeSpec,
  writeFrames: (write: (frame: Uint8Array) => Promise<void>) => Promise<void>,
  opts: EncodeOptions = {},
): Promise<void> {
  const { width, height, fps, pixFmt, crf } = spec;
  if (![width, height].every((d) => Number.isInteger(d) && d > 0) || !(fps > 0)) {
    throw new StudioError('INVALID_ARGUMENT', `${out}: video size ${width}×${height} at ${fps} fps is not valid`, { field: 'spec' });
  }
  const codec = codecFor(out, spec.codec);
  const frameBytes = width * height * (pixFmt === 'rgb24' ? 3 : 1);
  const { ffmpeg } = await resolveFfmpeg();

  const partial = `${out}.partial`;
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  const frames = new PassThrough();
  const pad = width % 2 || height % 2 ? ['-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2'] : [];
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'rawvideo',
    '-pix_fmt',
    pixFmt,
    '-s',
    `${width}x${height}`,
    '-r',
    String(fps),
    '-i',
    'pipe:0',
    ...pad,
    ...encoderArgs(codec, crf),
    partial,
  ];
  const encoding = runTool(ffmpeg, args, { timeoutMs: opts.timeoutMs ?? ENCODE_TIMEOUT_MS, signal, input: frames });
  encoding.catch(() => {}); // observed below; this keeps an early failure from being "unhandled"

  let count = 0;
  const write = async (frame: Uint8Array) => {
    if (frame.byteLength !== frameBytes) {
      throw new StudioError('INVALID_ARGUMENT', `${out}: frame ${count} has ${frame.byteLength} bytes, ${width}×${height} ${pixFmt} needs ${frameBytes}`, {
        field: 'frame',
      });
    }
    count++;
    // waits for ffmpeg to catch up, or fails as soon as ffmpeg has
    if (!frames.write(frame)) await Promise.race([new Promise((resolve) => frames.once('drain', resolve)), encoding]);
  };
  try {
    await writeFrames(write);
    if (count === 0) throw new StudioError('INVALID_ARGUMENT', `${out}: no frames to encode`, { field: 'frames' });
    frames.end();
    await encoding;
    await rename(partial, out);
  } catch (err) {
    stop.abort();
    frames.destroy();
    await encoding.catch(() => {});
    await rm(partial, { force: true });
    if (err instanceof StudioError && err.code === 'INTERNAL') throw new StudioError('INTERNAL', `${out}: ${err.message}`, { file: out });
    throw err;
  }
}
