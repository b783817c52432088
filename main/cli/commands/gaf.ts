import { writeFile } from 'node:fs/promises';
import { encodeNpy } from '../../formats/npy.ts';
import { encodePng, gafToRgb } from '../../formats/png.ts';
import { gafMethods, gafVariants } from '../../shared/trainSettings.ts';
import { columnList, float32Of, oneOf, optionalNumber, optionalString, optionalWhole, requireString, UsageError, type Command } from '../command.ts';
import { checkOutputFile } from '../outputFile.ts';

export const gafCommand: Command = {
  usage: 'vskd gaf <sensor-file> --size N --method summation|difference --out <file.npy> [--png <file.png>]',
  help: [
    '  --size N             image size (N×N per axis)',
    '  --method M           summation (GASF) or difference (GADF)',
    '  --out FILE           float32 NumPy array of shape [3, N, N] (channels = acc x, y, z)',
    '  --png FILE           also write the image (x, y, z as red, green, blue)',
    '  --variant V          pyts (default: PAA to N, min-max to [-1, 1]) or vskd (full length, [0, 1], resized)',
    '  --cols A,B,C         the three axes (names or 0-based indices; default: the first three)',
    '  --start ROW          first sample of the window (default 0)',
    '  --length ROWS        samples in the window (default: to the end)',
    '  --rate HZ, --time-col COL   as for `vskd import sensor`, for text files',
    '',
    'A UTD-MHAD inertial .mat gives the first three columns of d_iner (acc x, y, z).',
  ].join('\n'),
  positionals: 1,
  options: {
    size: { type: 'string' },
    method: { type: 'string' },
    out: { type: 'string' },
    png: { type: 'string' },
    variant: { type: 'string' },
    cols: { type: 'string' },
    start: { type: 'string' },
    length: { type: 'string' },
    rate: { type: 'string' },
    'time-col': { type: 'string' },
  },
  async run([file], values, io, studio) {
    const size = optionalWhole(values, 'size', 2);
    if (size === undefined) throw new UsageError('--size is required');
    const method = oneOf(values, 'method', gafMethods);
    if (method === undefined) throw new UsageError(`--method is required: ${gafMethods.join(' or ')}`);
    const out = requireString(values, 'out');
    const cols = columnList(optionalString(values, 'cols'));
    if (cols !== undefined && cols.length !== 3) throw new UsageError('--cols names three axes (x, y, z)');
    const png = optionalString(values, 'png');
    await checkOutputFile('out', out);
    if (png !== undefined) await checkOutputFile('png', png);
    const gaf = await studio.call('gaf.file', {
      file,
      size,
      method,
      variant: oneOf(values, 'variant', gafVariants),
      cols,
      start: optionalWhole(values, 'start'),
      length: optionalWhole(values, 'length', 1),
      rate: optionalNumber(values, 'rate'),
      timeCol: columnList(optionalString(values, 'time-col'))?.[0],
    });
    const image = float32Of(gaf.values);
    await writeFile(out, encodeNpy(image, [3, size, size]));
    io.out(`wrote ${out}: float32 [3, ${size}, ${size}] ${method} GAF of ${gaf.channels.join(', ')} (samples ${gaf.start}..${gaf.start + gaf.length - 1})`);
    if (png !== undefined) {
      await writeFile(png, encodePng(size, size, gafToRgb(image, size, gaf.range), 3));
      io.out(`wrote ${png}`);
    }
  },
};
