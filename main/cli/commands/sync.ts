import type { MethodArgs, MethodResult } from '../../shared/contract.ts';
import type { Anchor } from '../../shared/anchors.ts';
import type { StudioClient } from '../client.ts';
import { optionalNumber, UsageError, type CliIO, type Command, type OptionValues } from '../command.ts';

type Alignment = MethodResult<'alignment.get'>;
type Recording = MethodResult<'recordings.find'>;

/** "1.20=3.71" → { video: 1.2, sensor: 3.71 } */
function parseAnchor(text: string): Anchor {
  const parts = text.split('=');
  const [video, sensor] = parts.map((p) => (p.trim() === '' ? NaN : Number(p)));
  if (parts.length !== 2 || !Number.isFinite(video) || !Number.isFinite(sensor)) {
    throw new UsageError(`--anchor takes VIDEO=SENSOR in seconds, e.g. 1.20=3.71; got ${JSON.stringify(text)}`);
  }
  return { video, sensor };
}

/** The recording's sensor stream named by --sensor: by exact name, else by id when a whole number names none. */
function pickSensor(recording: Recording, ref: string): Recording['streams'][number] {
  const sensors = recording.streams.filter((s) => s.kind === 'sensor');
  const found = sensors.find((s) => s.name === ref) ?? (/^\d+$/.test(ref) ? sensors.find((s) => s.id === Number(ref)) : undefined);
  if (found) return found;
  const known = sensors.length ? sensors.map((s) => `${s.name} (id ${s.id})`).join(', ') : 'none';
  throw new UsageError(`--sensor: ${recording.name} has no sensor stream ${JSON.stringify(ref)}; its sensor streams: ${known}`);
}

const seconds = (s: number) => `${s >= 0 ? '+' : ''}${s.toFixed(4)} s`;
const ppm = (drift: number) => `${drift >= 0 ? '+' : ''}${(drift * 1e6).toFixed(1)} ppm`;

/** The alignment to store (or, dry, to show) and the lines that describe how it was found. */
async function estimate(
  studio: StudioClient,
  recording: Recording,
  sensorStreamId: number | undefined,
  values: OptionValues,
): Promise<{ args: MethodArgs<'alignment.set'>; lines: (stored: Alignment) => string[] }> {
  const anchors = ((values.anchor as string[] | undefined) ?? []).map(parseAnchor);
  if (anchors.length) {
    const lines = (fit: Alignment) => [
      `method      anchors (${anchors.length})`,
      `offset      ${seconds(fit.model.offset)}`,
      `drift       ${ppm(fit.model.drift)}${anchors.length > 1 ? '' : ' (one anchor: the offset only, the drift taken as 0)'}`,
      ...anchors.map(
        (a, i) => `  anchor ${i + 1}  video ${a.video.toFixed(3)} s = sensor ${a.sensor.toFixed(3)} s   residual ${seconds(fit.detail.residuals?.[i] ?? NaN)}`,
      ),
      `rms         ${(fit.detail.rms ?? NaN).toFixed(4)} s`,
    ];
    return { args: { recordingId: recording.id, sensorStreamId, method: 'anchors', anchors }, lines };
  }
  if (values.auto) {
    const result = await studio.call('alignment.auto', { recordingId: recording.id, sensorStreamId, maxOffset: optionalNumber(values, 'max-offset') });
    const used = result.windows.filter((w) => w.used).length;
    const next = result.runnerUp ? `, next best ${result.runnerUp.ncc.toFixed(2)} at ${seconds(result.runnerUp.offset)}` : '';
    const lines = [
      'method      auto (motion energy × accelerometer)',
      `offset      ${seconds(result.model.offset)}`,
      `drift       ${ppm(result.model.drift)}${result.driftEstimated ? ` (from ${used} of ${result.windows.length} windows)` : ' (not estimated: too short, or too few windows with motion)'}`,
      `confidence  ${result.confidence.toFixed(2)} (peak NCC ${result.ncc.toFixed(2)}${next})`,
      ...result.windows.map(
        (w) =>
          `  video ${w.start.toFixed(1)}–${w.end.toFixed(1)} s  ` +
          (w.offset === null ? 'no peak' : `offset ${seconds(w.offset)}  ncc ${(w.ncc as number).toFixed(2)}${w.used ? '' : '  (not used)'}`),
      ),
    ];
    const { offset, drift } = result.model;
    return {
      args: {
        recordingId: recording.id,
        sensorStreamId,
        method: 'auto',
        offset,
        drift,
        confidence: result.confidence,
        ncc: result.ncc,
        windows: result.windows,
      },
      lines: () => lines,
    };
  }
  const offset = optionalNumber(values, 'offset') as number;
  const drift = (optionalNumber(values, 'drift-ppm') ?? 0) * 1e-6;
  return {
    args: { recordingId: recording.id, sensorStreamId, method: 'manual', offset, drift },
    lines: () => ['method      manual', `offset      ${seconds(offset)}`, `drift       ${ppm(drift)}`],
  };
}

function describe(alignment: Alignment): string[] {
  if (alignment.inherited) return ["no model of its own: it follows the recording's", ...describe({ ...alignment, inherited: false })];
  if (alignment.method === 'none') return ['not aligned: the identity model (offset 0 s, drift 0 ppm)'];
  return [
    `method      ${alignment.method} (${alignment.updatedAt})`,
    `offset      ${seconds(alignment.model.offset)}`,
    `drift       ${ppm(alignment.model.drift)}`,
    ...(alignment.detail.rms !== undefined ? [`rms         ${alignment.detail.rms.toFixed(4)} s`] : []),
    ...(alignment.detail.confidence !== undefined ? [`confidence  ${alignment.detail.confidence.toFixed(2)}`] : []),
  ];
}

function print(io: CliIO, json: boolean, value: object, lines: string[]): void {
  if (json) io.out(JSON.stringify(value, null, 2));
  else for (const line of lines) io.out(line);
}

export const syncCommand: Command = {
  usage: 'vskd sync <project.vskd> <recording> [--sensor NAME|ID] [--anchor V=S ... | --auto | --offset S [--drift-ppm P]] [--dry-run] [--json]',
  help: [
    '  --sensor NAME|ID  align this wearable (a sensor stream of the recording, by name or id) on its',
    "                    own clock; without it, the recording's model, which every wearable without",
    '                    a model of its own follows',
    '  --anchor V=S      a moment seen at video time V and sensor time S (seconds); repeat it.',
    '                    Two or more fit offset and drift by least squares; one fits the offset only',
    "  --auto            estimate from the video's motion and the accelerometer (the first three",
    '                    channels of the sensor stream); long recordings also get the drift',
    '  --max-offset S    with --auto: consider offsets up to ±S seconds only',
    '  --offset S        set the offset by hand (with --drift-ppm P, the drift too);',
    '                    a negative one as --offset=-1.5',
    '  --dry-run         print the estimate without storing it',
    '  --json            print the result as JSON',
    '',
    'The model: sensor_time = video_time × (1 + drift) + offset. Video time counts from the first',
    "frame, sensor time from the sensor stream's first sample (not a file's own clock); offset is",
    "what the sensor time reads when the video is at 0. The result is stored as the recording's",
    'alignment unless --dry-run is given. With no method, prints the stored alignment.',
    '<recording> is a name or an id.',
  ].join('\n'),
  positionals: 2,
  options: {
    anchor: { type: 'string', multiple: true },
    sensor: { type: 'string' },
    auto: { type: 'boolean' },
    'max-offset': { type: 'string' },
    offset: { type: 'string' },
    'drift-ppm': { type: 'string' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run([file, ref], values, io, studio) {
    const methods = [values.anchor !== undefined, values.auto === true, values.offset !== undefined].filter(Boolean).length;
    if (methods > 1) throw new UsageError('choose one of --anchor, --auto and --offset');
    if (values['drift-ppm'] !== undefined && values.offset === undefined) throw new UsageError('--drift-ppm goes with --offset');
    if (values['max-offset'] !== undefined && !values.auto) throw new UsageError('--max-offset goes with --auto');
    await studio.call('project.open', { path: file });
    const recording = await studio.call('recordings.find', { ref });
    const sensor = values.sensor === undefined ? undefined : pickSensor(recording, values.sensor as string);
    const sensorStreamId = sensor?.id;
    const json = values.json === true;
    const heading = [`recording   ${recording.name} (id ${recording.id})`, ...(sensor ? [`sensor      ${sensor.name} (id ${sensor.id})`] : [])];
    if (methods === 0) {
      const alignment = await studio.call('alignment.get', { recordingId: recording.id, sensorStreamId });
      print(io, json, { recording: recording.name, ...alignment }, [...heading, ...describe(alignment)]);
      return;
    }
    const { args, lines } = await estimate(studio, recording, sensorStreamId, values);
    const dryRun = values['dry-run'] === true;
    const alignment = await studio.call('alignment.set', { ...args, dryRun });
    const owner = sensor ? `sensor ${sensor.name} of ${recording.name}` : recording.name;
    const outcome = dryRun ? 'not stored (--dry-run)' : `stored as the alignment of ${owner}`;
    const { model, method, detail } = alignment;
    print(
      io,
      json,
      { recording: recording.name, recordingId: recording.id, sensorStreamId: sensorStreamId ?? null, ...model, method, detail, stored: !dryRun },
      [...heading, ...lines(alignment), outcome],
    );
  },
};
