/**
 * The one API contract between the renderer and the studio's main side.
 * Every method has a runtime schema for its arguments (checked before a handler runs) and one
 * for its result; every event stream has one for its payload. The same contract serves the
 * Electron preload bridge and the web mode's HTTP/WebSocket bridge.
 */
import * as z from 'zod';
import type { EventName, MethodName } from './channels.ts';
import { protocols } from './protocols.ts';
import { METHOD_NAMES } from './lossMethods.ts';
import { backendChoices, backendNames, gafMethods, gafVariants, maxTrainingThreads, optimiserNames, scheduleNames, teacherInputs } from './trainSettings.ts';

export { eventNames, isMethodName, methodNames, type EventName, type MethodName } from './channels.ts';

const id = z.number().int().positive();
// ── bounds on what a call may ask for: beyond any real use, short of exhausting the studio (docs/SECURITY.md) ──
/** Linux's PATH_MAX */
export const maxPathLength = 4096;
/** streams.samples: the most rows one answer carries (JSON numbers; streams.trace serves a whole stream compactly) */
export const maxSampleRows = 500_000;
/** streams.samples: the highest rate a stream is resampled to */
export const maxResampleHz = 10_000;
/** the most recordings, anchors or sync windows one call lists */
const maxListed = 10_000;
const path = z.string().min(1, 'a path is required').max(maxPathLength);
/** a name, label, subject or reference as a call gives it: one line */
const nameText = z.string().max(200);
/** an annotation's note, a label's description */
const noteText = z.string().max(10_000);

const channel = z.object({ name: z.string(), unit: z.string() });

const streamSummary = z.object({
  id,
  kind: z.enum(['sensor', 'video', 'depth', 'skeleton']),
  name: z.string(),
  rate: z.number(),
  length: z.number().int(),
  channels: z.array(channel),
  meta: z.record(z.string(), z.unknown()),
});

const recordingSummary = z.object({
  id,
  name: z.string(),
  subject: z.string().nullable(),
  trial: z.number().int().nullable(),
  label: z.string().nullable(),
  createdAt: z.string(),
  annotations: z.number().int(),
  aligned: z.boolean(),
  streams: z.array(streamSummary),
});

const projectSummary = z.object({
  path: z.string(),
  schemaVersion: z.number().int(),
  recordings: z.number().int(),
  subjects: z.number().int(),
  labels: z.number().int(),
  streams: z.record(z.string(), z.number().int()),
  sensorSamples: z.number().int(),
  aligned: z.number().int(),
  annotations: z.number().int(),
  datasets: z.number().int(),
  runs: z.number().int(),
});

const label = z.object({ id, name: z.string(), description: z.string(), color: z.string().nullable(), position: z.number().int() });

const importReport = z.object({
  imported: z.number().int(),
  skipped: z.array(z.object({ name: z.string(), reason: z.string() })),
  /** the files a dataset lacks (UTD-MHAD) */
  missing: z.array(z.string()),
  /** those of missing that the dataset is known to lack (UTD-MHAD's three absent sequences) */
  knownMissing: z.array(z.string()).optional(),
  seconds: z.number(),
  /** the recordings this import added (a sensor file's one; left out for datasets) */
  recordings: z.array(z.object({ id, name: z.string() })).optional(),
  /** what the import noticed but stored anyway: values beyond full scale, channels without a unit, a short file */
  warnings: z.array(z.string()).optional(),
  /** UTD-MHAD with withVideo: the depth videos made now, reused from an earlier run, or left out (skipBad) */
  videos: z.object({ made: z.number().int(), reused: z.number().int(), failed: z.array(z.object({ name: z.string(), reason: z.string() })) }).optional(),
});

const sensorImportOptions = z
  .object({
    name: nameText.min(1).optional(),
    label: nameText.min(1).optional(),
    subject: nameText.min(1).optional(),
    trial: z.number().int().nonnegative().optional(),
    rate: z.number().positive().max(1_000_000).optional(),
    /** the largest value a unit's sensor reads ({ g: 8 }); values beyond are reported (defaults: 16 g, 2000 deg/s, …) */
    fullScale: z
      .record(nameText.min(1), z.number().positive())
      .refine((units) => Object.keys(units).length <= 64, 'lists at most 64 units')
      .optional(),
    timeCol: z.union([nameText, z.number().int().nonnegative()]).optional(),
    timeUnit: z.enum(['s', 'ms']).optional(),
    cols: z
      .array(z.union([nameText, z.number().int().nonnegative()]))
      .min(1)
      .max(1024)
      .optional(),
    units: z.array(nameText).max(1024).optional(),
    delimiter: z.string().min(1).max(20).optional(),
    header: z.boolean().optional(),
  })
  .strict();

const sensorStream = z.object({
  streamId: id,
  channels: z.array(channel),
  rows: z.number().int(),
  cols: z.number().int(),
  rate: z.number(),
  data: z.array(z.number()),
  timestamps: z.array(z.number()).nullable(),
});

// ── the recording view: media, sensor windows, GAF, alignment, skeleton ──
/** base64 of little-endian floats: a quarter of the JSON of the same numbers */
const base64 = z.string();
const clockModel = z.object({ offset: z.number(), drift: z.number() });
const anchor = z.object({ video: z.number(), sensor: z.number() }).strict();
const syncWindow = z.object({ start: z.number(), end: z.number(), offset: z.number().nullable(), ncc: z.number().nullable(), used: z.boolean() }).strict();
const alignment = z.object({
  recordingId: id,
  model: clockModel,
  method: z.enum(['none', 'manual', 'anchors', 'auto']),
  detail: z.object({
    anchors: z.array(anchor).optional(),
    residuals: z.array(z.number()).optional(),
    rms: z.number().optional(),
    confidence: z.number().optional(),
    ncc: z.number().optional(),
    windows: z.array(syncWindow).optional(),
  }),
  updatedAt: z.string().nullable(),
  /** a sensor stream's alignment: which stream, and whether it follows the recording's model (no model of its own) */
  sensorStreamId: id.optional(),
  inherited: z.boolean().optional(),
});
/** the wearable whose clock an alignment call works on; without it, the recording's model */
const sensorStreamId = id.optional();
const skeletonProjection = z.enum(['kinect-depth']).nullable();
const recordingView = z.object({
  recording: recordingSummary,
  alignment,
  video: z
    .object({
      streamId: id,
      contentType: z.string().nullable(),
      fps: z.number(),
      frames: z.number().int(),
      duration: z.number(),
      width: z.number().int(),
      height: z.number().int(),
      /** float64 × frames: each frame's start from the first frame's, for a variable-rate video; null when frame k starts at k / fps */
      frameTimes: base64.nullable(),
    })
    .nullable(),
  sensors: z.array(
    z.object({
      streamId: id,
      name: z.string(),
      rate: z.number(),
      rows: z.number().int(),
      start: z.number(),
      end: z.number(),
      /** the sensor's own time of its first sample (its file's first timestamp): the trace's axis reads from it */
      timeOrigin: z.number(),
      channels: z.array(channel),
      /** the clock model this stream's trace maps through: its own, else the recording's (inherited) */
      alignment,
    }),
  ),
  skeleton: z.object({ streamId: id, joints: z.number().int(), frames: z.number().int(), rate: z.number(), projection: skeletonProjection }).nullable(),
});
/** sensor stream columns; the first three (an accelerometer) when not given */
const columns = z.array(z.number().int().nonnegative()).min(1).max(16).optional();
/** a sensor stream's channels whole, for the renderer's zoomable traces */
const streamTrace = z.object({
  streamId: id,
  rows: z.number().int(),
  rate: z.number(),
  channels: z.array(z.number().int()),
  // float32 C × rows, channel-major
  values: base64,
  // float64 × rows; null when row r lies at r / rate
  times: base64.nullable(),
});
const gafMethod = z.enum(gafMethods);
const gafWindow = z.object({
  streamId: id,
  center: z.number(),
  start: z.number(),
  end: z.number(),
  size: z.number().int(),
  method: gafMethod,
  channels: z.array(z.number().int()),
  samples: z.number().int(),
  /** float32 C × size × size, channel-major */
  values: base64,
});
const autoSyncResult = z.object({
  model: clockModel,
  confidence: z.number(),
  ncc: z.number(),
  runnerUp: z.object({ offset: z.number(), ncc: z.number() }).nullable(),
  driftEstimated: z.boolean(),
  windows: z.array(syncWindow),
});
/** answer with what would be stored, storing nothing */
const dryRun = z.boolean().optional();
const alignmentSetArgs = z.discriminatedUnion('method', [
  z.object({ recordingId: id, sensorStreamId, method: z.literal('manual'), offset: z.number(), drift: z.number().default(0), dryRun }).strict(),
  z.object({ recordingId: id, sensorStreamId, method: z.literal('anchors'), anchors: z.array(anchor).min(1).max(maxListed), dryRun }).strict(),
  z
    .object({
      recordingId: id,
      sensorStreamId,
      method: z.literal('auto'),
      offset: z.number(),
      drift: z.number(),
      confidence: z.number(),
      ncc: z.number(),
      windows: z.array(syncWindow).max(maxListed),
      dryRun,
    })
    .strict(),
]);
const skeletonFrames = z.object({
  streamId: id,
  joints: z.number().int(),
  frames: z.number().int(),
  rate: z.number(),
  jointNames: z.array(z.string()),
  bones: z.array(z.tuple([z.number().int(), z.number().int()])),
  centred: z.boolean(),
  projection: skeletonProjection,
  /** float32 F × J × 3, row-major */
  data: base64,
});
// ── end of the recording view's schemas ──

// ── annotations and the label schema ──
const timeBase = z.enum(['video', 'sensor']);
const annotation = z.object({
  id,
  recordingId: id,
  labelId: id,
  label: z.string(),
  /** seconds on the annotation's own clock (timeBase) */
  start: z.number(),
  end: z.number(),
  timeBase,
  note: z.string(),
  /** the same segment on both clocks, through the recording's clock model */
  startVideo: z.number(),
  endVideo: z.number(),
  startSensor: z.number(),
  endSensor: z.number(),
});
const labelColor = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, "must be '#rrggbb'")
  .nullable();
const annotationFormat = z.enum(['csv', 'eaf']);
const segmentSource = z.object({ file: z.string(), line: z.number().int(), element: z.string().optional() });
const annotationImportReport = z.object({
  dryRun: z.boolean(),
  files: z.array(z.string()),
  added: z.number().int(),
  skippedDuplicates: z.number().int(),
  labelsCreated: z.array(z.string()),
  conflicts: z.array(
    z.object({
      source: segmentSource,
      recording: z.string(),
      label: z.string(),
      timeBase,
      start: z.number(),
      end: z.number(),
      existing: z.object({ id: id.nullable(), label: z.string(), startVideo: z.number(), endVideo: z.number(), source: segmentSource.optional() }),
    }),
  ),
});
// ── end of the annotation schemas ──

function method<A extends z.ZodType, R extends z.ZodType>(args: A, result: R) {
  return { args, result };
}

// ── jobs (main/jobs/manager.ts): long work started by a call that answers with the job's id, reported by job.progress, ended by one job.ended ──
const jobId = z.string().min(1).max(200);
export const jobKinds = [
  'import.demo',
  'import.utdMhad',
  'import.sensor',
  'train',
  'export.student',
  'export.dataset',
  'demo.generate',
  'import.session',
  'import.folder',
  'export.annotations',
  'import.annotations',
] as const;
export type JobKind = (typeof jobKinds)[number];
const jobKind = z.enum(jobKinds);
const jobStatus = z.enum(['done', 'failed', 'cancelled']);
const jobStarted = z.object({ job: jobId });
const jobProgress = {
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  message: z.string(),
  /** from the time so far and the share done; null until some is done */
  etaSeconds: z.number().nullable(),
};
const runningJob = z.object({ job: jobId, kind: jobKind, title: z.string(), ...jobProgress, startedAt: z.string() });
const importJobMethods = {
  /** a dataset written by `vskd demo-data`: one recording per clip */
  'import.demo': method(z.object({ dir: path }).strict(), jobStarted),
  /** withVideo: also transcode each sequence's depth to an H.264 video stream, videoJobs at a time */
  'import.utdMhad': method(
    z.object({ dir: path, skipBad: z.boolean().optional(), withVideo: z.boolean().optional(), videoJobs: z.number().int().min(1).max(64).optional() }).strict(),
    jobStarted,
  ),
  'import.sensor': method(z.object({ file: path, options: sensorImportOptions.optional() }).strict(), jobStarted),
  /** the jobs running now, with their latest progress (for a window opened while they run) */
  'jobs.list': method(z.object({}).strict(), z.array(runningJob)),
  /** asks a running job to stop; its job.ended says what the cancel kept */
  'jobs.cancel': method(z.object({ job: jobId }).strict(), jobStarted),
};
// ── end of jobs ──

// ── tools that work on files, not on the open project (the CLI's gaf, frames, demo-data, doctor) ──
const demoGenerateArgs = z
  .object({
    out: path,
    seed: z.number().int().nonnegative().optional(),
    perClass: z.number().int().min(1).max(1000).optional(),
    seconds: z.number().positive().max(600).optional(),
    classes: z.array(nameText.min(1)).min(1).max(100).optional(),
    sessions: z.number().int().nonnegative().max(100).optional(),
    sessionSeconds: z.number().nonnegative().max(3600).optional(),
    /** a folder that holds a demo dataset already is used as it is (otherwise refused) */
    reuse: z.boolean().optional(),
  })
  .strict();
const demoGenerated = z.object({
  dir: z.string(),
  /** the folder held the dataset already (reuse) */
  reused: z.boolean(),
  clips: z.number().int(),
  classes: z.number().int(),
  sessions: z.number().int(),
  sessionSeconds: z.number(),
  seconds: z.number(),
});
const toolMethods = {
  /** the GAF of a sensor file's three axes (a window of its rows, or all of them) */
  'gaf.file': method(
    z
      .object({
        file: path,
        size: z.number().int().min(2).max(256),
        method: gafMethod,
        variant: z.enum(gafVariants).optional(),
        /** three columns: names or 0-based indices (default the first three) */
        cols: z
          .array(z.union([nameText.min(1), z.number().int().nonnegative()]))
          .length(3)
          .optional(),
        start: z.number().int().nonnegative().optional(),
        length: z.number().int().min(1).optional(),
        rate: z.number().positive().max(1_000_000).optional(),
        timeCol: z.union([nameText, z.number().int().nonnegative()]).optional(),
      })
      .strict(),
    z.object({
      file: z.string(),
      size: z.number().int(),
      method: gafMethod,
      variant: z.enum(gafVariants),
      channels: z.array(z.string()),
      start: z.number().int(),
      length: z.number().int(),
      /** the value range of the image (for a picture of it) */
      range: z.tuple([z.number(), z.number()]),
      /** float32 3 × size × size */
      values: base64,
    }),
  ),
  /** K frames of a video at its TSN/TRN segments, decoded in one ffmpeg pass */
  'media.frames': method(
    z
      .object({
        video: path,
        segments: z.number().int().min(1).max(64).default(8),
        size: z.number().int().min(1).max(512).default(112),
        mode: z.enum(['train', 'eval']).default('eval'),
        seed: z
          .number()
          .int()
          .nonnegative()
          .max(2 ** 32 - 1)
          .optional(),
        gray: z.boolean().optional(),
      })
      .strict(),
    z.object({
      video: z.string(),
      /** [K, H, W, C] */
      shape: z.array(z.number().int()),
      indices: z.array(z.number().int()),
      frameCount: z.number().int(),
      fps: z.number(),
      width: z.number().int(),
      height: z.number().int(),
      codec: z.string(),
      mode: z.enum(['train', 'eval']),
      seed: z.number().int(),
      /** uint8 K × H × W × C */
      values: base64,
    }),
  ),
  /** the synthetic demo dataset (stick-figure videos + wrist accelerometer) written as files, as a job (kind demo.generate) */
  'demo.generate': method(demoGenerateArgs, jobStarted),
  /** the ffmpeg in use and the training backends this machine has */
  'app.doctor': method(
    z.object({}).strict(),
    z.object({
      ffmpeg: z.object({ ffmpeg: z.string(), ffprobe: z.string(), source: z.string(), version: z.string(), ffprobeVersion: z.string() }).nullable(),
      /** why there is no ffmpeg */
      ffmpegProblem: z.string().nullable(),
      backends: z.array(z.object({ name: z.string(), available: z.boolean(), detail: z.string() })),
    }),
  ),
};
// ── end of tools ──

// ── training: datasets, runs and the jobs that train them ──
const splitCounts = z.object({ train: z.number().int(), val: z.number().int(), test: z.number().int() });
const dataset = z.object({
  id,
  name: z.string(),
  protocol: z.string(),
  /** how it was split, as a report heads it: 'by subject: train 1-4,6 · val 2 · test 5,7-8 · windows 2 s, stride 1 s' */
  description: z.string(),
  config: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  /** samples per split: recordings, segments or windows (config.samples) */
  counts: splitCounts,
});
/**
 * What a dataset is made of and how it is split (main/datasets/recipe.ts): either a protocol (cross-subject,
 * subject-specific) or `split` (by subject, trial or recording, with lists or ranges such as "1-4,6" per split;
 * a split left out takes the rest, and validation may be held-out subjects). Samples are whole recordings
 * (their label) or annotated segments, whole or cut into windows of `window.seconds` every `window.stride`.
 */
const datasetRecipe = {
  protocol: z.enum(protocols).optional(),
  split: z
    .object({
      by: z.enum(['subject', 'trial', 'recording']),
      /** lists and ranges of subject numbers or names, trial numbers, or recording ids or names: "1-4,6" */
      train: noteText.trim().min(1).optional(),
      val: noteText.trim().min(1).optional(),
      test: noteText.trim().min(1).optional(),
      /** subjects whose training samples become the validation set */
      valSubjects: noteText.trim().min(1).optional(),
    })
    .strict()
    .optional(),
  /** the share of each action's training recordings drawn at random for validation; default 0.1 with a protocol, 0 with a split */
  valFraction: z.number().min(0).lt(1).optional(),
  seed: z.number().int().nonnegative().default(1),
  samples: z.enum(['recordings', 'segments']).default('recordings'),
  /** with segments: windows of this length every stride seconds inside each segment (default: each segment whole) */
  window: z
    .object({ seconds: z.number().positive().max(3600), stride: z.number().positive().max(3600) })
    .strict()
    .optional(),
  /** sensor values are clipped to ±clip (in the stream's units, e.g. 8 g); values beyond it are counted in a warning */
  clip: z.number().positive().optional(),
  /** samples (segments, or recordings) shorter than this many seconds are left out and counted */
  minSeconds: z.number().nonnegative().optional(),
};
const checkRecipe = (args: { protocol?: unknown; split?: unknown; samples: string; window?: unknown }, ctx: z.RefinementCtx) => {
  if ((args.protocol === undefined) === (args.split === undefined))
    ctx.addIssue({ code: 'custom', path: ['split'], message: 'give either a protocol or a split' });
  if (args.window !== undefined && args.samples !== 'segments')
    ctx.addIssue({ code: 'custom', path: ['window'], message: 'windows are cut inside segments: set samples to segments' });
};
const splitClassCounts = z.object({ total: z.number().int(), recordings: z.number().int(), perClass: z.record(z.string(), z.number().int()) });
/** what datasets.preview finds, and datasets.create stored */
const datasetPreview = z.object({
  description: z.string(),
  /** every subject and trial among the project's recordings, whether in a split or not */
  subjects: z.array(z.string()),
  trials: z.array(z.number().int()),
  classes: z.array(z.string()),
  splits: z.object({ train: splitClassCounts, val: splitClassCounts, test: splitClassCounts }),
  /** what was left out and why: 'recordings without a label', 'segments shorter than 2 s', … */
  leftOut: z.array(z.object({ reason: z.string(), count: z.number().int() })),
  warnings: z.array(z.string()),
});
/** a number that JSON can carry: null where the value is NaN or infinite (a diverged loss, an empty split) */
const measure = z.number().nullable();
const runStatus = z.enum(['created', 'running', 'cancelled', 'failed', 'done']);
const trainBackend = z.enum(backendNames);
const trainMethod = z.enum(METHOD_NAMES);
const runSummary = z.object({
  id,
  kind: z.enum(['teacher', 'student']),
  method: z.string(),
  /** the row it is compared in: 'teacher (pose)', 'baseline', 'dask', … */
  label: z.string(),
  status: runStatus,
  /** a job of this studio trains it now */
  active: z.boolean(),
  /** another process trains it now (who: 'vskd train student (pid 4242 on host x) since …'); null when none does */
  heldBy: z.string().nullable(),
  backend: z.string().nullable(),
  datasetId: id.nullable(),
  dataset: z.string().nullable(),
  protocol: z.string().nullable(),
  teacherRunId: id.nullable(),
  seed: z.number().int().nullable(),
  /** the epochs asked for, and those with stored metrics */
  epochs: z.number().int().nullable(),
  epochsRun: z.number().int(),
  /** null where the dataset has no validation split: the run has no validation score */
  bestValAccuracy: measure,
  /** which epoch's weights the run keeps and why: 'best validation accuracy (epoch 12)', 'last epoch (30): no validation split'; null before one */
  selection: z.string().nullable(),
  /** the test split scored with the best epoch's weights (the run's 'evaluation') */
  test: z.object({ accuracy: measure, macroF1: measure }).nullable(),
  error: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
const epochMetrics = z.object({
  epoch: z.number().int(),
  /** each loss term's mean over the epoch (unweighted) and the weighted `total` */
  losses: z.record(z.string(), measure),
  trainAccuracy: measure,
  valAccuracy: measure,
  learningRate: measure,
  samplesPerSecond: measure,
});
const evaluation = z.object({
  split: z.string(),
  classes: z.array(z.string()),
  accuracy: measure,
  macroF1: measure,
  perClassRecall: z.array(measure),
  /** confusion[true][predicted] */
  confusion: z.array(z.array(z.number().int())),
  samples: z.number().int(),
});
const meanStd = z.object({ mean: measure, std: measure });
/** optional settings fall back to the CLI's defaults (main/train/runs.ts defaultJob) */
const runSettings = {
  dataset: z.union([nameText.min(1), id]),
  seed: z.number().int().nonnegative().optional(),
  epochs: z.number().int().min(1).max(10_000).optional(),
  // the trainer drops a last batch of one (batch norm needs two), so a batch of one would train nothing
  batchSize: z.number().int().min(2).max(4096).optional(),
  learningRate: z.number().positive().max(10).optional(),
  weightDecay: z.number().nonnegative().optional(),
  optimiser: z.enum(optimiserNames).optional(),
  schedule: z.enum(scheduleNames).optional(),
  /** epochs without a better validation accuracy before stopping (0: never) */
  patience: z.number().int().nonnegative().max(10_000).optional(),
  backend: z.enum(backendChoices).optional(),
  /** a weights directory saved by the studio to start from */
  initFrom: path.optional(),
};
const runsStartArgs = z
  .discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('teacher'),
        ...runSettings,
        inputs: z.array(z.enum(teacherInputs)).min(1).max(2).optional(),
        segments: z.number().int().min(1).max(64).optional(),
        frameSize: z.number().int().min(8).max(256).optional(),
      })
      .strict(),
    z
      .object({
        kind: z.literal('student'),
        ...runSettings,
        method: trainMethod.default('baseline'),
        /** the teacher run whose best weights teach: required by every method but the baseline */
        teacherRunId: id.optional(),
        width: z.number().positive().max(4).optional(),
        gafSize: z.number().int().min(4).max(256).optional(),
        gafMethod: gafMethod.optional(),
        gafVariant: z.enum(gafVariants).optional(),
        /** augmentation of the training signals before their GAF (main/train/augment.ts): shortest crop share, noise over sd, degrees */
        augmentCrop: z.number().gt(0).max(1).optional(),
        augmentJitter: z.number().nonnegative().max(10).optional(),
        augmentRotate: z.number().nonnegative().max(180).optional(),
        /** threads each step's batch is split over (wasm, cpu), the same numbers; auto: the machine's cores, up to 4, where the work pays for the exchanges */
        threads: z.union([z.literal('auto'), z.number().int().min(1).max(maxTrainingThreads)]).optional(),
        alpha: z.number().nonnegative().optional(),
        beta: z.number().nonnegative().optional(),
        gamma: z.number().nonnegative().optional(),
        temperature: z.number().positive().optional(),
        atWeight: z.number().nonnegative().optional(),
        spWeight: z.number().nonnegative().optional(),
      })
      .strict(),
  ])
  .superRefine((args, ctx) => {
    if (args.kind === 'teacher') {
      if (args.inputs && new Set(args.inputs).size !== args.inputs.length)
        ctx.addIssue({ code: 'custom', path: ['inputs'], message: 'lists pose and frames at most once each' });
    } else if (args.method === 'baseline' && args.teacherRunId !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['teacherRunId'], message: 'the baseline trains without a teacher' });
    } else if (args.method !== 'baseline' && args.teacherRunId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['teacherRunId'], message: `method ${args.method} distils from a teacher: give a teacher run` });
    }
  });

const trainingMethods = {
  'datasets.list': method(z.object({}).strict(), z.array(dataset)),
  /** the counts per class and split a dataset of this recipe would have, and what it would leave out; stores nothing */
  'datasets.preview': method(z.object(datasetRecipe).strict().superRefine(checkRecipe), datasetPreview),
  'datasets.create': method(
    z
      .object({ name: z.string().trim().min(1, 'a name is required').max(200), ...datasetRecipe })
      .strict()
      .superRefine(checkRecipe),
    dataset.extend({ preview: datasetPreview }),
  ),
  'runs.list': method(z.object({}).strict(), z.array(runSummary)),
  'runs.get': method(
    z.object({ runId: id }).strict(),
    z.object({ run: runSummary, config: z.record(z.string(), z.unknown()), epochs: z.array(epochMetrics), evaluation: evaluation.nullable() }),
  ),
  /** answers once the run is stored and its job runs; it trains in a worker thread, reporting train.progress, then train.ended and job.ended */
  'runs.start': method(runsStartArgs, z.object({ runId: id, job: jobId, warning: z.string().nullable() })),
  /** asks the run's job to stop; train.ended says when it has (status 'cancelled', checkpoint kept for runs.resume) */
  'runs.cancel': method(z.object({ runId: id }).strict(), z.object({ runId: id })),
  'runs.resume': method(z.object({ runId: id }).strict(), z.object({ runId: id, job: jobId })),
  /**
   * `vskd report`: accuracy and macro-F1 of the finished runs, mean ± sample std over seeds. `protocols` are the column
   * groups, one per dataset headed by its name and split description; `methods` the rows, one per method and settings
   * (runs that differ in any setting but the seed get a row each, named by what differs: 'baseline (width 1, epochs 1)').
   */
  'runs.report': method(
    z
      .object({
        datasets: z
          .array(z.union([nameText.min(1), id]))
          .min(1)
          .max(1000)
          .optional(),
      })
      .strict(),
    z.object({
      markdown: z.string(),
      methods: z.array(z.string()),
      protocols: z.array(z.string()),
      rows: z.array(z.object({ method: z.string(), protocol: z.string(), accuracy: meanStd, macroF1: meanStd, seeds: z.number().int() })),
    }),
  ),
};

const trainingEvents = {
  /** a step or, with epochEnd, an epoch of a run (main/train/job.ts TrainProgress); steps come at most ten a second */
  'train.progress': z.object({
    runId: id,
    epoch: z.number().int(),
    epochs: z.number().int(),
    step: z.number().int(),
    steps: z.number().int(),
    epochEnd: z.boolean(),
    /** the loss terms' means over the epoch so far (unweighted) and the weighted `total` */
    terms: z.record(z.string(), measure),
    trainAccuracy: measure,
    /** set when the epoch ends */
    valAccuracy: measure,
    samplesPerSecond: measure,
    etaSeconds: measure,
    backend: trainBackend,
    /** the threads each step runs on (a student's batch split over them) */
    threads: z.number().int().positive(),
  }),
  'train.ended': z.object({ runId: id, status: z.enum(['done', 'cancelled', 'failed']), error: z.string().optional() }),
  /** the trainer's log: the backend it chose (and why not a better one), resuming, early stopping */
  'train.log': z.object({ runId: id, line: z.string() }),
  /** before the first epoch: inputs read or computed (GAF images, poses, video frames, teacher outputs) */
  'train.preparing': z.object({ runId: id, what: z.string(), done: z.number().int().nonnegative(), total: z.number().int().nonnegative() }),
};
// ── end of training ──

// ── export: a finished student run as a device bundle (main/export/exportStudent.ts) ──
const exportFormat = z.enum(['onnx', 'tfjs']);
const latency = z.object({ medianMs: z.number(), runs: z.number().int() });
const exportedModel = z.object({
  file: z.string(),
  format: exportFormat,
  precision: z.enum(['float32', 'float16', 'int8']),
  bytes: z.number().int(),
  /** null when onnxruntime-node could not measure it (note says why) */
  latency: latency.nullable(),
  /** on the test split; agreement and the largest |Δ logit| against the tfjs model */
  accuracy: measure,
  top1Agreement: measure,
  maxAbsDiff: measure,
  note: z.string().optional(),
});
const exportReport = z.object({
  run: id,
  dataset: z.string(),
  method: z.string(),
  classes: z.number().int(),
  model: z.object({
    architecture: z.literal('ResNet18'),
    width: z.number(),
    inputSize: z.number().int(),
    stem: z.string(),
    parameters: z.number().int(),
    macs: z.number(),
  }),
  cpu: z.string(),
  testSamples: z.number().int(),
  tfjs: z.object({ backend: z.string(), latency, accuracy: measure }),
  exports: z.array(exportedModel),
  checks: z.array(z.string()),
});
const runsExportArgs = z
  .object({
    runId: id,
    format: exportFormat,
    /** extra ONNX files at lower precision */
    quantize: z
      .array(z.enum(['float16', 'int8']))
      .max(2)
      .optional(),
    /** an absolute folder, new or empty; by default `<project folder>/<project name>-exports/run-<id>-<format>` */
    out: path.optional(),
    /** timed runs per latency figure (batch 1) */
    latencyRuns: z.number().int().min(1).max(1000).optional(),
  })
  .strict()
  .superRefine((args, ctx) => {
    const quantize = args.quantize ?? [];
    if (new Set(quantize).size !== quantize.length) ctx.addIssue({ code: 'custom', path: ['quantize'], message: 'lists float16 and int8 at most once each' });
    if (quantize.length > 0 && args.format !== 'onnx')
      ctx.addIssue({ code: 'custom', path: ['quantize'], message: 'applies to the onnx format (tfjs weights are float32)' });
  });

const datasetPart = z.enum(['gaf', 'raw', 'frames']);
const datasetsExportArgs = z
  .object({
    dataset: z.union([nameText.min(1), id]),
    /** a folder: rerunning into it keeps the files whose inputs are unchanged */
    out: path,
    splits: z
      .array(z.enum(['train', 'val', 'test']))
      .min(1)
      .max(3)
      .optional(),
    /** what to write; by default what the dataset's recordings have (GAF and raw windows, frames where there is video) */
    what: z.array(datasetPart).min(1).max(3).optional(),
    gafSize: z.number().int().min(4).max(256).optional(),
    gafMethod: gafMethod.optional(),
    gafVariant: z.enum(gafVariants).optional(),
    segments: z.number().int().min(1).max(64).optional(),
    frameSize: z.number().int().min(8).max(512).optional(),
  })
  .strict();

const exportMethods = {
  /** `vskd export`: writes the bundle in a worker as a job (kind export.student), whose job.ended carries the report */
  'runs.export': method(runsExportArgs, jobStarted),
  /** `vskd export-dataset`: a dataset's splits as NumPy files with a manifest, as a job (kind export.dataset) */
  'datasets.export': method(datasetsExportArgs, jobStarted),
};
// ── end of export ──

// ── files and recordings' metadata: the web mode's file browser, editing and deleting a recording ──
/** a folder's listing stops here (truncated says so): a browser dialog, not a crawler */
export const maxFolderEntries = 2000;
const folderEntry = z.object({ name: z.string(), kind: z.enum(['file', 'folder']), bytes: z.number().int().nullable() });
const optionalText = z.string().trim().min(1, 'must not be empty').max(200).nullable().optional();
const recordingRemoval = z.object({
  recording: recordingSummary,
  streams: z.number().int(),
  sensorSamples: z.number().int(),
  annotations: z.number().int(),
  aligned: z.boolean(),
  /** datasets that listed it (they keep their other recordings) */
  datasets: z.number().int(),
  /** the files the project made for it (in its media folder), removed after the commit */
  mediaFiles: z.array(z.string()),
  dryRun: z.boolean(),
});
const fileAndRecordingMethods = {
  /** one folder's entries, folders first (hidden ones with hidden), at most maxFolderEntries; dir: an absolute folder, home by default */
  'files.list': method(
    z.object({ dir: path.optional(), hidden: z.boolean().optional() }).strict(),
    z.object({
      dir: z.string(),
      parent: z.string().nullable(),
      home: z.string(),
      entries: z.array(folderEntry),
      total: z.number().int(),
      truncated: z.boolean(),
    }),
  ),
  /** null clears a field; a new label joins the label schema; applying `before` undoes the edit */
  'recordings.update': method(
    z
      .object({
        recordingId: id,
        name: z.string().trim().min(1, 'a name is required').max(200).optional(),
        label: optionalText,
        subject: optionalText,
        trial: z.number().int().nonnegative().nullable().optional(),
      })
      .strict(),
    z.object({ before: recordingSummary, after: recordingSummary }),
  ),
  /** with its streams, samples, alignment, annotations and the media the project made; dryRun: what would go */
  'recordings.delete': method(z.object({ recordingId: id, dryRun: z.boolean().optional() }).strict(), recordingRemoval),
};
// ── end of files and recordings' metadata ──

// ── your own recordings: a session (a video and sensor files) and a folder paired by a filename pattern (main/sessions) ──
/** how every sensor file of a session or folder is read: import.sensor's options without the recording's fields */
const sensorReadOptions = sensorImportOptions.omit({ name: true, label: true, subject: true, trial: true });
const sessionSensor = z
  .object({
    file: path,
    /** the sensor stream's name in the recording, one per wearable ('wrist', 'ankle'); default: the file's name without its extension */
    stream: z.string().trim().min(1).max(100).optional(),
    options: sensorReadOptions.optional(),
  })
  .strict();
const importSessionArgs = z
  .object({
    /** mp4, mov, mkv, avi, webm, … (H.264, HEVC, VP9, MJPEG, …): what Chromium cannot play gets a proxy video in the project's media folder */
    video: path.optional(),
    /** zero or more wearables, each its own sensor stream */
    sensors: z.array(sessionSensor).max(32).default([]),
    name: z.string().trim().min(1, 'a name is required').max(200),
    subject: z.string().trim().min(1).max(200).optional(),
    /** the session or trial number */
    trial: z.number().int().nonnegative().optional(),
    label: z.string().trim().min(1).max(200).optional(),
  })
  .strict()
  .refine((args) => args.video !== undefined || args.sensors.length > 0, { path: ['sensors'], message: 'give a video, a sensor file, or both' });
/**
 * A folder's files paired into recordings by filename patterns, matched against each file's path under
 * the folder ('/' between folders, letters in any case). Placeholders: {subject}, {label}, {trial}
 * (digits), {name}, {sensor} (the wearable: the stream's name) and * (anything, not kept), each within
 * one folder name. Files whose values agree make one recording: 'acc_{subject}_{label}_{trial}.txt',
 * or '{name}.mp4' and '{name}_{sensor}.csv' for a video and CSVs of the same stem.
 */
const importFolderArgs = {
  dir: path,
  patterns: z.array(z.string().trim().min(1).max(500)).min(1).max(16),
  /** label code → label name ({ '1': 'walk', '2': 'run' }); when given, a code it lacks is a failure */
  labels: z
    .record(nameText.min(1), nameText.trim().min(1))
    .refine((codes) => Object.keys(codes).length <= maxListed, `maps at most ${maxListed} codes`)
    .optional(),
  /** the recording's name from the same placeholders ('{subject}-{label}-{trial}'); default: the first pattern's, without its extension, {sensor} and * */
  name: z.string().trim().min(1).max(500).optional(),
  /** how every sensor file is read */
  options: sensorReadOptions.optional(),
};
const plannedRecording = z.object({
  name: z.string(),
  subject: z.string().nullable(),
  trial: z.number().int().nullable(),
  /** the label's name (mapped from its code by `labels`) */
  label: z.string().nullable(),
  /** paths below are relative to the folder */
  video: z
    .object({ file: z.string(), codec: z.string(), width: z.number().int(), height: z.number().int(), duration: z.number(), proxy: z.boolean() })
    .nullable(),
  sensors: z.array(
    z.object({ file: z.string(), stream: z.string(), rows: z.number().int(), channels: z.number().int(), rate: z.number(), seconds: z.number() }),
  ),
  /** a recording of this name is in the project already: skipped (its files not read) */
  exists: z.boolean(),
});
const folderPlan = z.object({
  dir: z.string(),
  counts: z.object({
    files: z.number().int(),
    recordings: z.number().int(),
    /** recordings the import would add (the others exist already or failed) */
    new: z.number().int(),
    existing: z.number().int(),
    sensorFiles: z.number().int(),
    videos: z.number().int(),
    /** videos that need a playback proxy */
    proxies: z.number().int(),
    unmatched: z.number().int(),
    failures: z.number().int(),
  }),
  recordings: z.array(plannedRecording),
  /** files no pattern matches, relative to the folder */
  unmatched: z.array(z.string()),
  /** files (or recordings) that would not be imported, and why: unreadable, no label for the code, two files for one stream */
  failures: z.array(z.object({ file: z.string(), reason: z.string() })),
  /** sensor files' warnings (units, full scale, rate) and files far shorter than their siblings */
  warnings: z.array(z.string()),
});
const sessionImportMethods = {
  /** one recording from a video and/or sensor files, as a job (kind import.session): the recording is stored, then its proxy video is made (progress in seconds of video) */
  'import.session': method(importSessionArgs, jobStarted),
  /** what import.folder would create, reading every file but storing nothing */
  'import.folder.preview': method(z.object(importFolderArgs).strict(), folderPlan),
  /**
   * the folder as a job (kind import.folder): recordings stored in batches as they are read, then the proxy videos,
   * videoJobs at a time; recordings already in the project are skipped, their missing proxies made
   */
  'import.folder': method(z.object({ ...importFolderArgs, videoJobs: z.number().int().min(1).max(64).optional() }).strict(), jobStarted),
};
// ── end of your own recordings ──

// ── the events of jobs: job.ended carries what the job made, by kind ──
const runEnded = z.object({
  runId: id,
  status: z.enum(['done', 'cancelled']),
  backend: trainBackend,
  threads: z.number().int().positive(),
  bestEpoch: z.number().int(),
  seconds: z.number(),
});
const runsExported = z.object({ outDir: z.string(), files: z.array(z.string()), report: exportReport, markdown: z.string() });
const datasetExported = z.object({
  outDir: z.string(),
  dataset: z.string(),
  /** recordings per split */
  splits: z.record(z.string(), z.number().int()),
  written: z.number().int(),
  kept: z.number().int(),
});
const annotationsExported = z.object({ format: annotationFormat, files: z.array(z.string()), recordings: z.number().int(), annotations: z.number().int() });
const jobEnded = <K extends JobKind, R extends z.ZodType>(kind: K, result: R) =>
  z.object({
    job: jobId,
    kind: z.literal(kind),
    title: z.string(),
    status: jobStatus,
    /** why it failed, or what a cancel kept */
    error: z.string().optional(),
    /** what a job that is done made */
    result: result.optional(),
    seconds: z.number(),
  });
const jobEvents = {
  'job.progress': z.object({ job: jobId, kind: jobKind, title: z.string(), ...jobProgress, startedAt: z.string() }),
  'job.ended': z.discriminatedUnion('kind', [
    jobEnded('import.demo', importReport),
    jobEnded('import.utdMhad', importReport),
    jobEnded('import.sensor', importReport),
    jobEnded('import.session', importReport),
    jobEnded('import.folder', importReport),
    jobEnded('train', runEnded),
    jobEnded('export.student', runsExported),
    jobEnded('export.dataset', datasetExported),
    jobEnded('demo.generate', demoGenerated),
    jobEnded('export.annotations', annotationsExported),
    jobEnded('import.annotations', annotationImportReport),
  ]),
};
// ── end of the events of jobs ──

export const methods = {
  'app.version': method(z.object({}).strict(), z.object({ version: z.string(), schemaVersion: z.number().int() })),
  'projects.recent': method(z.object({}).strict(), z.array(z.string())),
  'project.create': method(z.object({ path }).strict(), projectSummary),
  /** create: make the project when the file does not exist (the CLI's imports) */
  'project.open': method(z.object({ path, create: z.boolean().optional() }).strict(), projectSummary),
  'project.close': method(z.object({}).strict(), z.null()),
  'project.summary': method(z.object({}).strict(), projectSummary),
  /** the open project's summary, null when none is open (a window asking what to show) */
  'project.current': method(z.object({}).strict(), projectSummary.nullable()),
  'recordings.list': method(
    z
      .object({
        label: nameText.optional(),
        subject: nameText.optional(),
        trial: z.number().int().optional(),
        search: nameText.optional(),
      })
      .strict(),
    z.array(recordingSummary),
  ),
  /** a recording by exact name, or by id when a whole number names none */
  'recordings.find': method(z.object({ ref: z.string().min(1).max(1000) }).strict(), recordingSummary),
  'labels.list': method(z.object({}).strict(), z.array(label)),
  'streams.samples': method(z.object({ streamId: id, resampleHz: z.number().positive().max(maxResampleHz).optional() }).strict(), sensorStream),
  ...importJobMethods,
  ...toolMethods,
  // ── the recording view ──
  'recordings.get': method(z.object({ recordingId: id }).strict(), recordingView),
  'streams.trace': method(z.object({ streamId: id, channels: columns }).strict(), streamTrace),
  'gaf.window': method(
    z
      .object({
        streamId: id,
        center: z.number(),
        seconds: z.number().positive().max(600),
        size: z.number().int().min(2).max(256),
        method: gafMethod,
        channels: columns,
      })
      .strict(),
    gafWindow,
  ),
  'alignment.get': method(z.object({ recordingId: id, sensorStreamId }).strict(), alignment),
  'alignment.set': method(alignmentSetArgs, alignment),
  'alignment.auto': method(z.object({ recordingId: id, sensorStreamId, maxOffset: z.number().nonnegative().optional() }).strict(), autoSyncResult),
  'skeleton.get': method(z.object({ recordingId: id, centre: z.enum(['raw', 'hip']).default('raw') }).strict(), skeletonFrames),
  // ── end of the recording view ──
  // ── annotations and the label schema ──
  'annotations.list': method(
    z.object({ recordingId: id }).strict(),
    z.object({ recordingId: id, clock: z.object({ offset: z.number(), drift: z.number() }), annotations: z.array(annotation) }),
  ),
  'annotations.create': method(
    z
      .object({ recordingId: id, labelId: id, start: z.number(), end: z.number(), timeBase: timeBase.optional(), note: noteText.optional(), id: id.optional() })
      .strict(),
    annotation,
  ),
  'annotations.update': method(
    z
      .object({
        id,
        labelId: id.optional(),
        start: z.number().optional(),
        end: z.number().optional(),
        timeBase: timeBase.optional(),
        note: noteText.optional(),
      })
      .strict(),
    z.object({ before: annotation, after: annotation }),
  ),
  'annotations.delete': method(z.object({ id }).strict(), annotation),
  /** a job (export.annotations); force: replace files that exist (refused otherwise, CONFLICT naming the first) */
  'annotations.export': method(
    z.object({ format: annotationFormat, path, recordingIds: z.array(id).min(1).max(maxListed).optional(), force: z.boolean().optional() }).strict(),
    jobStarted,
  ),
  /** a job (import.annotations) whose result is the report: what was (or, dryRun, would be) added, and the conflicts */
  'annotations.import': method(z.object({ path, format: annotationFormat.optional(), dryRun: z.boolean().optional() }).strict(), jobStarted),
  'labels.create': method(
    z
      .object({
        name: nameText.min(1),
        description: noteText.optional(),
        color: labelColor.optional(),
        id: id.optional(),
        position: z.number().int().nonnegative().optional(),
      })
      .strict(),
    label,
  ),
  'labels.update': method(
    z.object({ id, name: nameText.min(1).optional(), description: noteText.optional(), color: labelColor.optional() }).strict(),
    z.object({ before: label, after: label }),
  ),
  'labels.delete': method(z.object({ id }).strict(), label),
  // ── end of annotations and the label schema ──
  ...trainingMethods,
  ...exportMethods,
  ...fileAndRecordingMethods,
  ...sessionImportMethods,
} as const satisfies Record<MethodName, { args: z.ZodType; result: z.ZodType }>;

/** Event streams from main to renderer. */
export const events = {
  ...jobEvents,
  ...trainingEvents,
} as const satisfies Record<EventName, z.ZodType>;

export type MethodArgs<M extends MethodName> = z.input<(typeof methods)[M]['args']>;
export type MethodResult<M extends MethodName> = z.output<(typeof methods)[M]['result']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** What a handler set must implement: one async function per method. */
export type StudioHandlers = { [M in MethodName]: (args: z.output<(typeof methods)[M]['args']>) => Promise<MethodResult<M>> };
