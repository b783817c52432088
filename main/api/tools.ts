/** The API's tools on files rather than on the open project: a sensor file's GAF, a video's frames, the demo data, the machine. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generateDemo } from '../datasets/demo/generate.ts';
import { DEMO_MANIFEST, readDemoManifest } from '../datasets/demo/manifest.ts';
import { DEMO_CLASSES, type DemoClass } from '../datasets/demo/skeleton.ts';
import { decodeFrames } from '../media/frames.ts';
import { resolveFfmpeg } from '../media/ffmpeg.ts';
import { probeVideo } from '../media/probe.ts';
import { segmentIndices } from '../media/segments.ts';
import { toBase64 } from '../media/sensorWindow.ts';
import { mulberry32, randomInt } from '../random.ts';
import { readSensorFile } from '../sensors/sensorFile.ts';
import { StudioError } from '../shared/errors.ts';
import { gafFromRows } from '../shared/gaf.ts';
import { probeBackends } from '../train/backendsAvailable.ts';
import type { ServiceContext } from './context.ts';
import type { DomainHandlers } from './domains.ts';
import { existing } from './imports.ts';

const isDemoClass = (name: string): name is DemoClass => (DEMO_CLASSES as readonly string[]).includes(name);

export function toolHandlers({ jobs }: ServiceContext): DomainHandlers<'tools'> {
  return {
    'gaf.file': async ({ file, size, method, variant = 'pyts', cols = [0, 1, 2], start = 0, length, rate, timeCol }) => {
      const path = await existing(file, 'file', 'file');
      const sensor = await readSensorFile(path, { rate, timeCol });
      const columns = cols.map((c) => {
        const index = typeof c === 'number' ? c : sensor.channels.findIndex((ch) => ch.name === c);
        if (index < 0 || index >= sensor.cols) {
          throw new StudioError('INVALID_ARGUMENT', `cols: no column ${c} in ${path} (it has ${sensor.channels.map((ch) => ch.name).join(', ')})`, {
            field: 'cols',
          });
        }
        return index;
      });
      const rows = length ?? sensor.rows - start;
      if (rows < 1 || start + rows > sensor.rows) {
        throw new StudioError('INVALID_ARGUMENT', `start/length: window ${start}+${rows} is outside the ${sensor.rows} samples of ${path}`, {
          field: 'length',
        });
      }
      const window = sensor.data.subarray(start * sensor.cols, (start + rows) * sensor.cols);
      const image = gafFromRows(window, rows, sensor.cols, columns, { size, method, variant });
      const range: [number, number] = variant === 'vskd' ? [0, 1] : [-1, 1];
      return { file: path, size, method, variant, channels: columns.map((c) => sensor.channels[c].name), start, length: rows, range, values: toBase64(image) };
    },
    'media.frames': async ({ video, segments, size, mode, seed = randomInt(Math.random, 2 ** 32), gray }) => {
      const path = await existing(video, 'video', 'file');
      const channels = gray ? 1 : 3;
      const info = await probeVideo(path);
      const indices = segmentIndices(info.frameCount, segments, mode, mulberry32(seed));
      const frames = await decodeFrames(path, indices, { width: size, height: size, channels, info });
      return {
        video: path,
        shape: [segments, size, size, channels],
        indices,
        frameCount: info.frameCount,
        fps: info.fps,
        width: info.width,
        height: info.height,
        codec: info.codec,
        mode,
        seed,
        values: Buffer.from(frames.buffer, frames.byteOffset, frames.byteLength).toString('base64'),
      };
    },
    'demo.generate': async ({ out, classes, reuse, ...options }) => {
      const unknown = classes?.find((c) => !isDemoClass(c));
      if (unknown !== undefined)
        throw new StudioError('INVALID_ARGUMENT', `classes: no demo class ${unknown} (there are ${DEMO_CLASSES.join(', ')})`, { field: 'classes' });
      const job = await jobs.start({ kind: 'demo.generate', title: `Demo dataset in ${out}`, key: out }, async ({ progress }) => {
        const started = performance.now();
        const reused = reuse === true && existsSync(join(out, DEMO_MANIFEST));
        const manifest = reused
          ? await readDemoManifest(out)
          : await generateDemo(out, { ...options, classes: classes?.filter(isDemoClass), onProgress: (done, total) => progress(done, total, 'writing clips') });
        return {
          dir: out,
          reused,
          clips: manifest.recordings.length,
          classes: manifest.classes.length,
          sessions: manifest.sessions.length,
          sessionSeconds: manifest.sessions.length ? manifest.sessions[0].frames / manifest.video.fps : 0,
          seconds: (performance.now() - started) / 1000,
        };
      });
      return { job };
    },
    'app.doctor': async () => {
      const [ffmpeg, backends] = await Promise.all([
        resolveFfmpeg().then(
          (found) => ({ found, problem: null }),
          (err: unknown) => ({ found: null, problem: err instanceof Error ? err.message : String(err) }),
        ),
        probeBackends(),
      ]);
      const binaries = ffmpeg.found && {
        ffmpeg: ffmpeg.found.ffmpeg,
        ffprobe: ffmpeg.found.ffprobe,
        source: ffmpeg.found.source,
        version: ffmpeg.found.version,
        ffprobeVersion: ffmpeg.found.ffprobeVersion,
      };
      return { ffmpeg: binaries, ffmpegProblem: ffmpeg.problem, backends };
    },
  };
}
