/** What the training screen's parts share: the contract's types, how scores read, the epochs a chart plots. */
import type { EventPayload, MethodArgs, MethodResult } from '../../../../main/shared/contract.ts';

export type Dataset = MethodResult<'datasets.list'>[number];
export type Run = MethodResult<'runs.list'>[number];
export type RunDetail = MethodResult<'runs.get'>;
export type EpochPoint = RunDetail['epochs'][number];
export type Report = MethodResult<'runs.report'>;
export type Progress = EventPayload<'train.progress'>;
export type Preparation = EventPayload<'train.preparing'>;
export type StartArgs = MethodArgs<'runs.start'>;
export type NewDataset = MethodArgs<'datasets.create'>;
export type TrainMethod = Exclude<Extract<StartArgs, { kind: 'student' }>['method'], undefined>;
export type Backend = NonNullable<StartArgs['backend']>;
export type ExportArgs = MethodArgs<'runs.export'>;
export type ExportResult = NonNullable<Extract<EventPayload<'job.ended'>, { kind: 'export.student' }>['result']>;
export type ExportFormat = ExportArgs['format'];
export type Quantization = NonNullable<ExportArgs['quantize']>[number];
export type JobProgress = EventPayload<'job.progress'>;

/** the job this studio runs, as its events have told it */
export interface LiveJob {
  runId: number;
  /** the latest step or epoch; null until the first step */
  progress: Progress | null;
  /** before the first step: the inputs being read or computed */
  preparation: Preparation | null;
  /** the trainer's last log line */
  line: string | null;
  cancelling: boolean;
}

/** the objectives of VSKD's Table 4, as the method menu names them */
export const methodNames: Record<TrainMethod, string> = {
  baseline: 'baseline: cross-entropy only',
  st: 'st: soft targets (Hinton KD)',
  at: 'at: attention transfer',
  sp: 'sp: similarity preserving',
  dask: 'dask: KD + RKD distance and angle + semantic',
  ask: 'ask: DASK without the distance term',
  dsk: 'dsk: DASK without the angle term',
  sk: 'sk: DASK without distance and angle',
  dak: 'dak: DASK without the semantic term',
};

/** a share as a percentage; '—' for none */
export const percent = (value: number | null | undefined, digits = 1) => (value === null || value === undefined ? '—' : `${(100 * value).toFixed(digits)}%`);

/** a file's size in KiB or MiB */
export const fileSize = (bytes: number) => (bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`);

/** mean ± std in percent, as the paper's tables */
export const meanStd = (s: { mean: number | null; std: number | null }) =>
  s.mean === null ? '—' : `${(100 * s.mean).toFixed(2)} ± ${(100 * (s.std ?? 0)).toFixed(2)}`;

/** the point an epoch-end progress event adds to the curves */
export function epochPoint(p: Progress): EpochPoint {
  return {
    epoch: p.epoch,
    losses: p.terms,
    trainAccuracy: p.trainAccuracy,
    valAccuracy: p.valAccuracy,
    learningRate: null,
    samplesPerSecond: p.samplesPerSecond,
  };
}

/** the stored epochs with the live ones over them (a live epoch replaces a stored one of the same number) */
export function mergeEpochs(stored: EpochPoint[], live: EpochPoint[]): EpochPoint[] {
  const byEpoch = new Map(stored.map((e) => [e.epoch, e]));
  for (const e of live) byEpoch.set(e.epoch, e);
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}
