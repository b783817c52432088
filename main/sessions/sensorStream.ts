/**
 * One wearable's file as a sensor stream of a recording: read by the generic importer's readers (a
 * delimited text file, or a UTD-MHAD-style inertial MAT-file), with its source (path and SHA-256)
 * under a role of its own, so that several wearables sit side by side in one recording.
 */
import { extname } from 'node:path';
import { sha256, sha256File } from '../files/checksum.ts';
import { parseDelimited, type DelimitedOptions } from '../sensors/delimited.ts';
import { tableStream } from '../sensors/importSensor.ts';
import { readSensorFile } from '../sensors/sensorFile.ts';
import { readSensorText, resolveLimits } from '../sensors/sensorText.ts';
import { tableSeconds } from '../sensors/siblings.ts';
import type { SourceInput, StreamInput } from '../store/recordings.ts';

export interface SensorRead {
  source: SourceInput;
  stream: StreamInput;
  /** the file's warnings (units, full scale, rate), each naming it */
  warnings: string[];
  /** its length, for the short-sibling check */
  seconds: number;
}

/** The source role of a sensor stream: one per stream, as sources are unique per role within a recording. */
export const sensorRole = (stream: string) => `sensor:${stream}`;

export async function readSensorStream(path: string, streamName: string, options: DelimitedOptions = {}): Promise<SensorRead> {
  const role = sensorRole(streamName);
  if (extname(path).toLowerCase() === '.mat') {
    const matrix = await readSensorFile(path, options);
    return {
      source: { role, path, ...(await sha256File(path)) },
      stream: {
        kind: 'sensor',
        name: streamName,
        rate: matrix.rate,
        length: matrix.rows,
        channels: matrix.channels,
        meta: { startTime: 0, regular: true },
        sourceRole: role,
        samples: { rows: matrix.rows, cols: matrix.cols, data: matrix.data, timestamps: null },
      },
      warnings: matrix.warnings,
      seconds: matrix.rows / matrix.rate,
    };
  }
  const { bytes, text } = await readSensorText(path, resolveLimits(path, options).maxFileBytes);
  const table = parseDelimited(text, path, options);
  return {
    source: { role, path, sha256: sha256(bytes), bytes: bytes.byteLength },
    stream: tableStream(table, streamName, role),
    warnings: table.warnings,
    seconds: tableSeconds(table),
  };
}
