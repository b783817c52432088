/**
 * Evaluation protocols: which recordings train and which test. The validation split used for
 * early stopping and model selection is carved from the training recordings (stratified by
 * label, seeded), never from the test set.
 */
import { StudioError } from '../shared/errors.ts';
import type { Protocol } from '../shared/protocols.ts';
import { mulberry32, type Rng } from '../random.ts';
import type { DatasetMember } from '../store/datasets.ts';


export interface ProtocolRecording {
  id: number;
  name: string;
  subject: string | null;
  trial: number | null;
  label: string | null;
}

/** The number in a subject or trial: 3, "3", "s3", "S03", "subject 3". */
function requireNumber(value: string | number | null, field: 'subject' | 'trial', name: string): number {
  const match = value === null ? null : /(\d+)\s*$/.exec(String(value));
  if (!match) {
    throw new StudioError('BAD_INPUT', `recording ${name} has no numeric ${field} (${JSON.stringify(value)}), which the protocol needs`, { field });
  }
  return Number(match[1]);
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

export function splitByProtocol(recordings: ProtocolRecording[], protocol: Protocol, opts: SplitOptions = {}): DatasetMember[] {
  const valFraction = opts.valFraction ?? 0.1;
  if (!(valFraction >= 0 && valFraction < 1)) throw new StudioError('INVALID_ARGUMENT', `valFraction must be in [0, 1), got ${valFraction}`, { field: 'valFraction' });
  const unlabelled = recordings.find((r) => r.label === null);
  if (unlabelled) throw new StudioError('BAD_INPUT', `recording ${unlabelled.name} has no action label`, { field: 'label' });
  const rng = mulberry32(opts.seed ?? 1);
  const members: DatasetMember[] = [];
  const trainingByLabel = new Map<string, ProtocolRecording[]>();
  for (const r of recordings) {
    if (isTraining(r, protocol)) trainingByLabel.set(r.label!, [...(trainingByLabel.get(r.label!) ?? []), r]);
    else members.push({ recordingId: r.id, split: 'test' });
  }
  for (const label of [...trainingByLabel.keys()].sort()) {
    const group = shuffle([...trainingByLabel.get(label)!].sort((a, b) => a.id - b.id), rng);
    const held = Math.round(group.length * valFraction);
    group.forEach((r, i) => members.push({ recordingId: r.id, split: i < held ? 'val' : 'train' }));
  }
  return members.sort((a, b) => a.recordingId - b.recordingId);
}
