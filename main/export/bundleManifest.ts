/**
 * manifest.json of an exported student: everything a device needs to turn its own accelerometer
 * samples into the model's input the way training did (inputs.ts studentImages → gaf.ts gafFromRows),
 * and to read the output.
 */
import { StudioError } from '../shared/errors.ts';
import type { Channel } from '../store/recordings.ts';
import type { DatasetSample, SampleCut } from '../train/inputs.ts';
import type { StudentSettings } from '../train/job.ts';
import type { ResolvedResNetConfig } from '../train/models/resnet.ts';
import { ONNX_INPUT, ONNX_IR_VERSION, ONNX_OPSET, ONNX_OUTPUT, type OnnxPrecision } from './studentOnnx.ts';

export interface BundleFile {
  path: string;
  format: 'onnx' | 'tfjs';
  precision: OnnxPrecision;
  bytes: number;
  sha256: string;
}

export interface BundleSource {
  project: string;
  run: number;
  method: string;
  dataset: string;
  bestEpoch: number;
  valAccuracy: number | null;
}

/** The sensor side of the training data: what a device must match. */
export interface SensorFacts {
  /** the three channels the GAF images were made of, in channel order */
  channels: Channel[];
  /** distinct sampling rates of the recordings' sensor streams, Hz */
  ratesHz: number[];
  /** sensor rows per training sample (a whole recording, a segment or a window) */
  samples: { min: number; median: number; max: number };
  /** how the samples were cut: whole recordings, segments or windows, and the clip range */
  cut: SampleCut;
}

/** GAF input pipelines take the first sensor stream's first three columns (inputs.ts). */
export function sensorFacts(samples: readonly DatasetSample[]): SensorFacts {
  const streams = samples.map((r) => {
    const stream = r.streams.find((s) => s.kind === 'sensor');
    if (!stream) throw new StudioError('NOT_FOUND', `recording ${r.name} has no sensor stream`, { field: 'sensor' });
    return stream;
  });
  if (streams.length === 0) throw new StudioError('NOT_FOUND', 'the dataset has no samples', { field: 'dataset' });
  // a window's rows: its duration at the stream's rate (inputs.ts sensorRows, up to the clock's drift)
  const lengths = samples
    .map((r, i) => (r.window ? Math.max(1, Math.round((r.window.end - r.window.start) * streams[i].rate)) : streams[i].length))
    .sort((a, b) => a - b);
  return {
    channels: streams[0].channels.slice(0, 3),
    ratesHz: [...new Set(streams.map((s) => s.rate))].sort((a, b) => a - b),
    samples: { min: lengths[0], median: lengths[Math.floor(lengths.length / 2)], max: lengths[lengths.length - 1] },
    cut: samples[0].cut,
  };
}

export interface BundleManifestInput {
  source: BundleSource;
  labels: readonly string[];
  config: ResolvedResNetConfig;
  settings: StudentSettings;
  sensor: SensorFacts;
  files: BundleFile[];
  format: 'onnx' | 'tfjs';
}

export function bundleManifest(input: BundleManifestInput) {
  const { config, settings, sensor, format } = input;
  const s = settings.gafSize;
  const names = sensor.channels.map((c) => c.name);
  const axes = names.join(', ');
  const pyts = settings.gafVariant === 'pyts';
  const formula = settings.gafMethod === 'summation' ? 'GASF[i][j] = c_i·c_j − s_i·s_j' : 'GADF[i][j] = s_i·c_j − c_i·s_j';
  const { cut } = sensor;
  const rate =
    sensor.ratesHz.length === 1
      ? `${sensor.ratesHz[0]} Hz`
      : `${sensor.ratesHz.join(' / ')} Hz (the training recordings differ; each was kept at its own rate)`;
  const span = `${sensor.samples.min}–${sensor.samples.max} samples, median ${sensor.samples.median}`;
  const window = cut.window
    ? `Window: ${cut.window.seconds} s every ${cut.window.stride} s (sliding). In training the windows were cut inside annotated segments (${span}).`
    : cut.samples === 'segments'
      ? `Window: one whole action. In training each annotated segment was one window (${span}); segment the device's stream into windows of similar length.`
      : `Window: one whole action. In training each recording was one window (${span}); segment the device's stream into windows of similar length.`;
  const steps = [
    `Record the accelerometer at ${rate} (irregular timestamps: interpolate linearly onto that rate, as training did); take columns ${axes} (in this order) of the sensor stream, in the units the training data used (${sensor.channels.map((c) => c.unit || 'unitless').join(', ')}). No filtering, gravity removal or standardisation.`,
    window,
    ...(cut.clip === null ? [] : [`Clip every value to [-${cut.clip}, ${cut.clip}] (training did, before the scaling below).`]),
    pyts
      ? `Per axis: PAA to ${s} values (pyts: window bounds floor(linspace(0, n, ${s} + 1)), the mean of each; a window of n ≤ ${s} samples is kept as is).`
      : 'Per axis: all n samples (no PAA).',
    'Per axis: min-max scale to [-1, 1] over the window (a constant axis becomes 0): c = the scaled values, s = sqrt(clip(1 − c², 0, 1)).',
    pyts
      ? `If fewer than ${s} values remain, resample c and s to ${s} points (linear, half-pixel centres). Image: ${formula}, values in [-1, 1].`
      : `Image: ${formula} over the full n×n, then rescaled to [0, 1] by its own min and max${settings.gafMethod === 'difference' ? ' after negating GADF' : ''} (a flat image becomes 0.5); resized to ${s}×${s} (bilinear, half-pixel centres) by resampling c and s.`,
    format === 'onnx'
      ? `Stack the three images channel-first: float32 [1, 3, ${s}, ${s}] (NCHW; channel 0 = ${names[0]}, 1 = ${names[1]}, 2 = ${names[2]}) and feed it as "${ONNX_INPUT}".`
      : `Stack the three images channel-last: float32 [1, ${s}, ${s}, 3] (NHWC; channel 0 = ${names[0]}, 1 = ${names[1]}, 2 = ${names[2]}).`,
    `The output "${ONNX_OUTPUT}" [1, ${input.labels.length}]: the predicted action is labels[argmax]; softmax gives probabilities.`,
  ];
  return {
    format: 'vskd-student-bundle',
    version: 1,
    source: input.source,
    labels: input.labels,
    model: {
      architecture: 'ResNet18',
      config,
      ...(format === 'onnx' ? { onnx: { opset: ONNX_OPSET, irVersion: ONNX_IR_VERSION } } : {}),
      files: input.files,
    },
    input:
      format === 'onnx'
        ? { name: ONNX_INPUT, dtype: 'float32', layout: 'NCHW', shape: ['batch', 3, s, s], channels: names }
        : { dtype: 'float32', layout: 'NHWC', shape: ['batch', s, s, 3], channels: names },
    output: { name: ONNX_OUTPUT, dtype: 'float32', shape: ['batch', input.labels.length], meaning: 'unnormalised class scores in the order of labels' },
    preprocessing: {
      sensor: {
        stream: "the recording's first sensor stream",
        columns: [0, 1, 2],
        channels: sensor.channels,
        samplingRateHz: sensor.ratesHz,
        resampling:
          'linear interpolation from the sample timestamps onto the nominal rate (row k at the window start + k / rate); a whole regular stream as it is',
        clip: cut.clip === null ? null : [-cut.clip, cut.clip],
      },
      window: {
        kind: cut.window ? 'sliding window' : cut.samples === 'segments' ? 'annotated segment' : 'full recording',
        ...(cut.window ? { lengthSeconds: cut.window.seconds, strideSeconds: cut.window.stride } : {}),
        samples: sensor.samples,
        ...(sensor.ratesHz.length === 1 ? { seconds: Object.fromEntries(Object.entries(sensor.samples).map(([k, n]) => [k, n / sensor.ratesHz[0]])) } : {}),
      },
      gaf: {
        implementation: 'main/gaf/gaf.ts gafFromRows',
        method: settings.gafMethod,
        variant: settings.gafVariant,
        size: s,
        sampleRange: [-1, 1],
        paa: pyts ? { windows: s, overlapping: false } : null,
        imageRange: pyts ? [-1, 1] : [0, 1],
      },
      scaling: 'per axis and window: min-max to the sample range before the GAF; no other normalisation of the input',
      steps,
    },
  };
}
