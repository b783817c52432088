/**
 * From a recipe to a dataset: which recordings go to which split, which samples they give (whole
 * recordings, annotated segments, or windows inside segments), and what was left out and why. The
 * preview a user reads before creating and what is stored come from the same plan.
 */
import { StudioError } from '../shared/errors.ts';
import { sensorToVideo } from '../shared/clockModel.ts';
import type { Protocol } from '../shared/protocols.ts';
import { listAnnotations, type Annotation } from '../store/annotations.ts';
import type { DatasetMember, DatasetWindow, Split } from '../store/datasets.ts';
import type { Queryable } from '../store/db.ts';
import { listLabels } from '../store/labels.ts';
import { listRecordings, type RecordingSummary, type StreamSummary } from '../store/recordings.ts';
import { readSamples } from '../store/samples.ts';
import { trailingNumber } from './idList.ts';
import { splitByProtocol, type ProtocolRecording } from './protocols.ts';
import { cutSensor, seriesExtent, type SensorSeries } from './sensorCut.ts';
import { sensorClock } from './sensorClock.ts';
import { windowsIn, type WindowSpec } from './segmentWindows.ts';
import { describeRule, splitByRule, type SplitRule } from './splits.ts';

export type SampleKind = 'recordings' | 'segments';

/** What a dataset is made of and how it is split: a protocol or a rule. */
export interface DatasetRecipe {
  protocol?: Protocol;
  split?: SplitRule;
  /** default 0.1 with a protocol, 0 with a rule */
  valFraction?: number;
  seed: number;
  samples: SampleKind;
  window?: WindowSpec;
  clip?: number;
  minSeconds?: number;
}

export interface SplitCount {
  /** samples */
  total: number;
  recordings: number;
  perClass: Record<string, number>;
}

export interface DatasetPreview {
  description: string;
  subjects: string[];
  trials: number[];
  classes: string[];
  splits: Record<Split, SplitCount>;
  leftOut: { reason: string; count: number }[];
  warnings: string[];
}

export interface DatasetPlan {
  /** the datasets.protocol column: the protocol's name, or 'by subject' … */
  protocol: string;
  config: Record<string, unknown>;
  members: DatasetMember[];
  /** a segment dataset's samples; empty when the recordings are */
  windows: DatasetWindow[];
  preview: DatasetPreview;
}

const PROTOCOL_TEXT: Record<Protocol, string> = {
  'cross-subject': 'cross-subject: odd subjects train, even subjects test',
  'subject-specific': 'subject-specific: trials 1-2 train, trials 3-4 test',
};

const seconds = (s: number) => `${Number(s.toFixed(3))} s`;

/** "by subject: train 1-4,6 · test the rest · windows 2 s, stride 1 s · clip ±8" */
export function describeRecipe(recipe: DatasetRecipe): string {
  const valFraction = recipe.valFraction ?? (recipe.protocol ? 0.1 : 0);
  const split = recipe.protocol
    ? `${PROTOCOL_TEXT[recipe.protocol]}${valFraction > 0 ? ` · val ${Math.round(valFraction * 100)}% of train` : ''}`
    : describeRule(recipe.split!, valFraction);
  const samples =
    recipe.samples === 'recordings' ? null : recipe.window ? `windows ${seconds(recipe.window.seconds)}, stride ${seconds(recipe.window.stride)}` : 'segments';
  const clip = recipe.clip === undefined ? null : `clip ±${recipe.clip}`;
  const min = recipe.minSeconds ? `min ${seconds(recipe.minSeconds)}` : null;
  return [split, samples, clip, min].filter(Boolean).join(' · ');
}

function sensorStreamOf(r: RecordingSummary): StreamSummary | null {
  return r.streams.find((s) => s.kind === 'sensor' && s.length > 0) ?? null;
}

/** subjects in the order their numbers run (s2 before s10), names without a number after */
function bySubject(a: string, b: string): number {
  const [na, nb] = [trailingNumber(a), trailingNumber(b)];
  if (na !== null && nb !== null && na !== nb) return na - nb;
  if ((na === null) !== (nb === null)) return na === null ? 1 : -1;
  return a.localeCompare(b);
}

class LeftOut {
  private readonly counts = new Map<string, number>();
  add(reason: string, n = 1): void {
    if (n > 0) this.counts.set(reason, (this.counts.get(reason) ?? 0) + n);
  }
  list(): { reason: string; count: number }[] {
    return [...this.counts].map(([reason, count]) => ({ reason, count }));
  }
}

async function seriesOf(db: Queryable, stream: StreamSummary): Promise<SensorSeries> {
  const samples = await readSamples(db, stream.id);
  return { rows: samples.rows, cols: samples.cols, rate: stream.rate, data: samples.data, timestamps: samples.timestamps ?? null };
}

export async function planDataset(db: Queryable, recipe: DatasetRecipe): Promise<DatasetPlan> {
  if ((recipe.protocol === undefined) === (recipe.split === undefined))
    throw new StudioError('INVALID_ARGUMENT', 'give either a protocol or a split', { field: 'split' });
  if (recipe.window && recipe.samples !== 'segments')
    throw new StudioError('INVALID_ARGUMENT', 'windows are cut inside segments: set samples to segments', { field: 'window' });
  const recordings = await listRecordings(db);
  const leftOut = new LeftOut();
  const annotations = new Map<number, Annotation[]>();
  if (recipe.samples === 'segments') for (const a of await listAnnotations(db)) annotations.set(a.recordingId, [...(annotations.get(a.recordingId) ?? []), a]);
  const min = recipe.minSeconds ?? 0;

  const candidates: RecordingSummary[] = [];
  for (const r of recordings) {
    const stream = sensorStreamOf(r);
    if (!stream) leftOut.add('recordings without sensor samples');
    else if (recipe.samples === 'segments' && !annotations.has(r.id)) leftOut.add('recordings without annotated segments');
    else if (recipe.samples === 'recordings' && r.label === null) leftOut.add('recordings without a label');
    else if (recipe.samples === 'recordings' && stream.length / stream.rate < min) leftOut.add(`recordings shorter than ${seconds(min)}`);
    else candidates.push(r);
  }
  // the split's unit is the recording; a recording of many segments may have no label of its own
  const splitting: ProtocolRecording[] = candidates.map((r) => ({ id: r.id, name: r.name, subject: r.subject, trial: r.trial, label: r.label ?? '' }));
  let members: DatasetMember[];
  if (recipe.protocol) {
    members = splitByProtocol(splitting, recipe.protocol, { valFraction: recipe.valFraction ?? 0.1, seed: recipe.seed });
  } else {
    const outcome = splitByRule(splitting, recipe.split!, { valFraction: recipe.valFraction ?? 0, seed: recipe.seed });
    leftOut.add(`recordings without a ${recipe.split!.by}`, outcome.unkeyed);
    leftOut.add('recordings in no split', outcome.unlisted);
    members = outcome.members;
  }

  const byId = new Map(recordings.map((r) => [r.id, r]));
  const windows: DatasetWindow[] = [];
  const labelOf = new Map<number, string[]>(); // per member: its samples' labels
  let beyond = 0;
  let clippedSamples = 0;
  let largest = 0;
  const clip = recipe.clip ?? null;
  for (const m of members) {
    const r = byId.get(m.recordingId)!;
    const stream = sensorStreamOf(r)!;
    const needSamples = recipe.samples === 'segments' || clip !== null;
    const series = needSamples ? await seriesOf(db, stream) : null;
    const clock = await sensorClock(db, r.id, stream.id);
    const spans: { start: number; end: number }[] = [];
    const labels: string[] = [];
    if (recipe.samples === 'recordings') {
      labels.push(r.label!);
    } else {
      // the sensor data's extent on the video clock: a segment is cut to it
      const { first, last } = seriesExtent(series!);
      const [from, to] = [sensorToVideo(clock, first), sensorToVideo(clock, last)];
      for (const a of annotations.get(r.id)!) {
        const [start, end] = [Math.max(a.startVideo, from), Math.min(a.endVideo, to)];
        if (end <= start) leftOut.add('segments outside the sensor data');
        else if (end - start < min) leftOut.add(`segments shorter than ${seconds(min)}`);
        else {
          const cut = windowsIn(start, end, recipe.window ?? null);
          if (cut.length === 0) leftOut.add(`segments shorter than the ${seconds(recipe.window!.seconds)} window`);
          for (const span of cut) {
            windows.push({ recordingId: r.id, annotationId: a.id, label: a.label, ...span });
            spans.push(span);
            labels.push(a.label);
          }
        }
      }
    }
    if (clip !== null) {
      for (const span of recipe.samples === 'recordings' ? [null] : spans) {
        const cut = cutSensor(series!, clock, span, clip);
        beyond += cut.beyondClip;
        if (cut.beyondClip > 0) clippedSamples++;
        largest = Math.max(largest, cut.largest);
      }
    }
    labelOf.set(m.recordingId, labels);
  }
  // a recording whose segments all fell out gives no sample
  members = members.filter((m) => labelOf.get(m.recordingId)!.length > 0);

  const used = new Set([...labelOf.values()].flat());
  const classes = (await listLabels(db)).map((l) => l.name).filter((name) => used.has(name));
  const splits = {} as Record<Split, SplitCount>;
  for (const split of ['train', 'val', 'test'] as const) {
    const inSplit = members.filter((m) => m.split === split);
    const perClass = Object.fromEntries(classes.map((c) => [c, 0]));
    for (const m of inSplit) for (const label of labelOf.get(m.recordingId)!) perClass[label]++;
    splits[split] = { total: Object.values(perClass).reduce((a, b) => a + b, 0), recordings: inSplit.length, perClass };
  }
  const warnings: string[] = [];
  if (beyond > 0)
    warnings.push(`${beyond} sensor values in ${clippedSamples} samples lay beyond ±${clip} (largest ${Number(largest.toFixed(3))}): clipped to ±${clip}`);
  if (splits.val.total === 0) warnings.push('no validation set: runs have no validation score, and keep the weights of their last epoch');
  for (const c of classes) if (splits.train.perClass[c] === 0) warnings.push(`class ${c} has no training samples`);

  const subjects = [...new Set(recordings.flatMap((r) => (r.subject === null ? [] : [r.subject])))].sort(bySubject);
  const trials = [...new Set(recordings.flatMap((r) => (r.trial === null ? [] : [r.trial])))].sort((a, b) => a - b);
  const description = describeRecipe(recipe);
  const config: Record<string, unknown> = { ...recipe, valFraction: recipe.valFraction ?? (recipe.protocol ? 0.1 : 0), description };
  return {
    protocol: recipe.protocol ?? `by ${recipe.split!.by}`,
    config,
    members,
    windows,
    preview: { description, subjects, trials, classes, splits, leftOut: leftOut.list(), warnings },
  };
}
