import { writeFile } from 'node:fs/promises';
import { encodeNpy } from '../../formats/npy.ts';
import { oneOf, optionalWhole, requireString, type Command } from '../command.ts';
import { checkOutputFile } from '../outputFile.ts';

export const framesCommand: Command = {
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
  async run([video], values, io, studio) {
    const out = requireString(values, 'out');
    await checkOutputFile('out', out);
    const frames = await studio.call('media.frames', {
      video,
      segments: optionalWhole(values, 'segments', 1),
      size: optionalWhole(values, 'size', 1),
      mode: oneOf(values, 'mode', ['train', 'eval'] as const),
      seed: optionalWhole(values, 'seed'),
      gray: values.gray === true,
    });
    await writeFile(out, encodeNpy(Uint8Array.from(Buffer.from(frames.values, 'base64')), frames.shape));
    io.out(`wrote ${out}: uint8 [${frames.shape.join(', ')}], frames ${frames.indices.join(', ')} of ${frames.video}`);
    const seed = frames.mode === 'train' ? `, seed ${frames.seed}` : '';
    io.out(`  (${frames.frameCount} frames at ${+frames.fps.toFixed(3)} fps, ${frames.width}×${frames.height} ${frames.codec}; ${frames.mode}${seed})`);
  },
};
