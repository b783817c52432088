/**
 * Evaluation protocols: which recordings train and which test. The validation split used for
 * early stopping and model selection is carved from the training recordings (stratified by
 * label, seeded), never from the test set.
 */
import { StudioError } from '../shared/errors.ts';
import type { Protocol } from '../shared/protocols.ts';
import { mulberry32, type Rng } from '../random.ts';
import type { DatasetMember } from '../store/datasets.ts';
import { trailingNumber } from './idList.ts';

export interface ProtocolRecording {
  id: number;
  name: string;
  subject: string | null;
  trial: number | null;
  label: string | null;
}

/** The number in a subject or trial: 3, "3", "s3", "S03", "subject 3". */
function requireNumber(value: string | number | null, field: 'subject' | 'trial', name: string): number {
  const number = trailingNumber(value);
  if (number === null) {
    throw new StudioError('BAD_INPUT', `recording ${name} has no numeric ${field} (${JSON.stringify(value)}), which the protocol needs`, { field });
  }
  return number;
}

function isTraining(recording: ProtocolRecording, protocol: Protocol): boolean {
  if (protocol === 'cross-subject') return requireNumber(recording.subject, 'subject', recording.name) % 2 === 1;
  return requireNumber(recording.trial, 'trial', recording.name) <= 2;
}

function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

export interface SplitOptions {
  /** the share of each label's training recordings held out for validation (0 = none) */
  valFraction?: number;
  seed?: number;
}

export function checkValFraction(valFraction: number): void {
  if (!(valFraction >= 0 && valFraction < 1))
    throw new StudioError('INVALID_ARGUMENT', `valFraction must be in [0, 1), got ${valFraction}`, { field: 'valFraction' });
}

/** The training recordings with `valFraction` of each label's (a seeded draw) moved to validation. */
export function drawValidation(training: ProtocolRecording[], valFraction: number, seed: number): DatasetMember[] {
  checkValFraction(valFraction);
  const rng = mulberry32(seed);
  const byLabel = new Map<string, ProtocolRecording[]>();
  for (const r of training) byLabel.set(r.label ?? '', [...(byLabel.get(r.label ?? '') ?? []), r]);
  const members: DatasetMember[] = [];
  for (const label of [...byLabel.keys()].sort()) {
    const group = shuffle(
      [...byLabel.get(label)!].sort((a, b) => a.id - b.id),
      rng,
    );
    const held = Math.round(group.length * valFraction);
    group.forEach((r, i) => members.push({ recordingId: r.id, split: i < held ? 'val' : 'train' }));
  }
  return members;
}

export function splitByProtocol(recordings: ProtocolRecording[], protocol: Protocol, opts: SplitOptions = {}): DatasetMember[] {
  const valFraction = opts.valFraction ?? 0.1;
  checkValFraction(valFraction);
  const unlabelled = recordings.find((r) => r.label === null);
  if (unlabelled) throw new StudioError('BAD_INPUT', `recording ${unlabelled.name} has no action label`, { field: 'label' });
  const training = recordings.filter((r) => isTraining(r, protocol));
  const test = recordings.filter((r) => !isTraining(r, protocol)).map((r) => ({ recordingId: r.id, split: 'test' as const }));
  return [...test, ...drawValidation(training, valFraction, opts.seed ?? 1)].sort((a, b) => a.recordingId - b.recordingId);
}
