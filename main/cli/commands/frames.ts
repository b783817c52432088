import { writeFile } from 'node:fs/promises';
import { encodeNpy } from '../../formats/npy.ts';
import { decodeFrames } from '../../media/frames.ts';
import { probeVideo } from '../../media/probe.ts';
import { segmentIndices } from '../../media/segments.ts';
import { mulberry32, randomInt } from '../../random.ts';
import { optionalNumber, requireString, UsageError, type Command } from '../command.ts';

function wholeNumber(value: number | undefined, name: string, fallback: number, min: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} takes a whole number ≥ ${min}, got ${n}`);
  return n;
}

export const framesCommand: Command = {
  path: ['frames'],
  summary: 'sample K frames of a video (TSN/TRN segments) into a uint8 [K, H, W, C] .npy',
  usage: 'vskd frames <video> --out <file.npy> [--segments K] [--size N] [--mode train|eval] [--seed S] [--gray]',
  help: [
    '  --out FILE      uint8 NumPy array of shape [K, N, N, 3] (RGB) or [K, N, N, 1] (--gray)',
    '  --segments K    frames to take, one per equal segment of the video (default 8)',
    '  --size N        frame size N×N, stretched to fit (default 112)',
    '  --mode M        eval (default): segment centres; train: a random frame in each segment',
    '  --seed S        seed for train mode (default: a random one, printed so the draw can be repeated)',
    '  --gray          one gray channel instead of RGB',
  ].join('\n'),
  positionals: 1,
  options: {
    out: { type: 'string' },
    segments: { type: 'string' },
    size: { type: 'string' },
    mode: { type: 'string' },
    seed: { type: 'string' },
    gray: { type: 'boolean' },
  },
  async run([video], values, io) {
    const out = requireString(values, 'out');
    const segments = wholeNumber(optionalNumber(values, 'segments'), 'segments', 8, 1);
    const size = wholeNumber(optionalNumber(values, 'size'), 'size', 112, 1);
    const mode = (values.mode as string | undefined) ?? 'eval';
    if (mode !== 'train' && mode !== 'eval') throw new UsageError('--mode is train or eval');
    const seed = wholeNumber(optionalNumber(values, 'seed'), 'seed', randomInt(Math.random, 2 ** 32), 0);
    const channels = values.gray ? 1 : 3;

    const info = await probeVideo(video);
    const indices = segmentIndices(info.frameCount, segments, mode, mulberry32(seed));
    const frames = await decodeFrames(video, indices, { width: size, height: size, channels, info });
    const shape = [segments, size, size, channels];
    await writeFile(out, encodeNpy(frames, shape));
    io.out(`wrote ${out}: uint8 [${shape.join(', ')}], frames ${indices.join(', ')} of ${video}`);
    io.out(`  (${info.frameCount} frames at ${+info.fps.toFixed(3)} fps, ${info.width}×${info.height} ${info.codec}; ${mode}${mode === 'train' ? `, seed ${seed}` : ''})`);
  },
};
