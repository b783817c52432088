/**
 * One recording of your own, read from its files: an optional video and any number of wearables'
 * sensor files, each its own stream. Nothing is stored here; the caller writes the RecordingInput.
 */
import { basename, extname } from 'node:path';
import type { DelimitedOptions } from '../sensors/delimited.ts';
import { StudioError } from '../shared/errors.ts';
import type { RecordingInput } from '../store/recordings.ts';
import { readSensorStream, type SensorRead } from './sensorStream.ts';
import { readSessionVideo, type VideoRead } from './sessionVideo.ts';

export interface SessionFiles {
  name: string;
  subject: string | null;
  trial: number | null;
  label: string | null;
  video: string | null;
  sensors: { file: string; stream: string; options?: DelimitedOptions }[];
}

export interface SessionRead {
  input: RecordingInput;
  video: VideoRead | null;
  sensors: (SensorRead & { file: string })[];
  warnings: string[];
}

/** A sensor stream's name when none is given: its file's name without the extension. */
export const defaultStreamName = (file: string) => basename(file, extname(file));

/** Refuses two wearables under one stream name (they would be one stream), naming `field`. */
export function checkStreamNames(recording: string, streams: string[], field = 'sensors'): void {
  const seen = new Set<string>();
  for (const [i, name] of streams.entries()) {
    if (name === 'video')
      throw new StudioError('INVALID_ARGUMENT', `${field}[${i}].stream: 'video' is the name of the video stream; call the sensor something else`, {
        field: `${field}[${i}].stream`,
      });
    if (seen.has(name)) {
      throw new StudioError('INVALID_ARGUMENT', `${field}[${i}].stream: ${recording} has two sensor streams named ${name}; give each wearable its own name`, {
        field: `${field}[${i}].stream`,
      });
    }
    seen.add(name);
  }
}

export async function readSession(files: SessionFiles, signal?: AbortSignal): Promise<SessionRead> {
  checkStreamNames(
    files.name,
    files.sensors.map((s) => s.stream),
  );
  const sensors: SessionRead['sensors'] = [];
  for (const sensor of files.sensors) sensors.push({ file: sensor.file, ...(await readSensorStream(sensor.file, sensor.stream, sensor.options)) });
  const video = files.video === null ? null : await readSessionVideo(files.video, signal);
  const input: RecordingInput = {
    name: files.name,
    subject: files.subject,
    trial: files.trial,
    label: files.label === null ? null : { name: files.label },
    sources: [...(video ? [video.source] : []), ...sensors.map((s) => s.source)],
    streams: [...(video ? [video.stream] : []), ...sensors.map((s) => s.stream)],
  };
  return { input, video, sensors, warnings: sensors.flatMap((s) => s.warnings) };
}
