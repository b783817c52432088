/**
 * Any sensor file the studio reads, as a row-major matrix: a UTD-MHAD inertial MAT-file
 * (d_iner: acc x, y, z, gyro x, y, z at 50 Hz) or a delimited text file.
 */
import { extname } from 'node:path';
import type { Channel } from '../store/recordings.ts';
import { readDelimitedFile, type DelimitedOptions } from './delimited.ts';
import { readMatFile, requireVariable, toRowMajor2D } from './mat.ts';
import { UTD_MHAD_INERTIAL } from './utdInertial.ts';

export interface SensorMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
  channels: Channel[];
  rate: number;
  /** a delimited file's warnings (units, full scale, rate), each naming the file */
  warnings: string[];
}

export async function readSensorFile(path: string, opts: DelimitedOptions = {}): Promise<SensorMatrix> {
  if (extname(path).toLowerCase() === '.mat') {
    const iner = requireVariable(await readMatFile(path, { only: ['d_iner'] }), 'd_iner', path, { rank: 2, dims: [null, 6] });
    const { rows, cols, data } = toRowMajor2D(iner);
    return { rows, cols, data, channels: UTD_MHAD_INERTIAL.channels, rate: UTD_MHAD_INERTIAL.rate, warnings: [] };
  }
  const table = await readDelimitedFile(path, opts);
  return { rows: table.rows, cols: table.channels.length, data: table.data, channels: table.channels, rate: table.rate, warnings: table.warnings };
}
