import { writeFile } from 'node:fs/promises';
import { gafFromRows, type GafMethod } from '../../shared/gaf.ts';
import { encodeNpy } from '../../formats/npy.ts';
import { encodePng, gafToRgb } from '../../formats/png.ts';
import { readSensorFile } from '../../sensors/sensorFile.ts';
import { columnList, optionalNumber, requireString, UsageError, type Command } from '../command.ts';

export const gafCommand: Command = {
  path: ['gaf'],
  summary: 'turn a 3-axis accelerometer recording into a 3×N×N Gramian Angular Field (.npy)',
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
  async run([file], values, io) {
    const size = optionalNumber(values, 'size');
    if (size === undefined) throw new UsageError('--size is required');
    const method = requireString(values, 'method');
    if (method !== 'summation' && method !== 'difference') throw new UsageError('--method is summation or difference');
    const variant = (values.variant as string | undefined) ?? 'pyts';
    if (variant !== 'pyts' && variant !== 'vskd') throw new UsageError('--variant is pyts or vskd');
    const out = requireString(values, 'out');

    const sensor = await readSensorFile(file, {
      rate: optionalNumber(values, 'rate'),
      timeCol: columnList(values['time-col'] as string | undefined)?.[0],
    });
    const picked = columnList(values.cols as string | undefined) ?? [0, 1, 2];
    const columns = picked.map((c) => {
      const index = typeof c === 'number' ? c : sensor.channels.findIndex((ch) => ch.name === c);
      if (index < 0 || index >= sensor.cols) {
        throw new UsageError(`--cols: no column ${c} in ${file} (it has ${sensor.channels.map((ch) => ch.name).join(', ')})`);
      }
      return index;
    });
    if (columns.length !== 3) throw new UsageError('--cols names three axes (x, y, z)');
    const start = optionalNumber(values, 'start') ?? 0;
    const length = optionalNumber(values, 'length') ?? sensor.rows - start;
    if (!Number.isInteger(start) || !Number.isInteger(length) || start < 0 || length < 1 || start + length > sensor.rows) {
      throw new UsageError(`--start/--length: window ${start}+${length} is outside the ${sensor.rows} samples of ${file}`);
    }
    const window = sensor.data.subarray(start * sensor.cols, (start + length) * sensor.cols);
    const image = gafFromRows(window, length, sensor.cols, columns, { size, method: method as GafMethod, variant });
    await writeFile(out, encodeNpy(image, [3, size, size]));
    io.out(`wrote ${out}: float32 [3, ${size}, ${size}] ${method} GAF of ${columns.map((c) => sensor.channels[c].name).join(', ')} (samples ${start}..${start + length - 1})`);
    if (typeof values.png === 'string') {
      const range: [number, number] = variant === 'vskd' ? [0, 1] : [-1, 1];
      await writeFile(values.png, encodePng(size, size, gafToRgb(image, size, range), 3));
      io.out(`wrote ${values.png}`);
    }
  },
};
