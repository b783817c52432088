/**
 * Splits chosen by hand: recordings go to train, validation and test by their subject, trial or
 * recording, from lists or ranges per split ("1-4,6"). A split left out takes what the others do not
 * list; validation may be held-out subjects (taken from training) or a seeded share of it. The unit is
 * the recording, so the windows of one segment can never fall in two splits.
 */
import { StudioError } from '../shared/errors.ts';
import type { DatasetMember, Split } from '../store/datasets.ts';
import { parseIdList, trailingNumber, type IdList } from './idList.ts';
import { checkValFraction, drawValidation, type ProtocolRecording } from './protocols.ts';

export type SplitBy = 'subject' | 'trial' | 'recording';

export interface SplitRule {
  by: SplitBy;
  train?: string;
  val?: string;
  test?: string;
  /** subjects whose training recordings become the validation set */
  valSubjects?: string;
}

export interface SplitOutcome {
  members: DatasetMember[];
  /** recordings no list takes */
  unlisted: number;
  /** recordings without the subject or trial the rule splits by */
  unkeyed: number;
}

const SPLITS: readonly Split[] = ['train', 'val', 'test'];

function subjectIn(list: IdList, subject: string | null): boolean {
  return list.hasName(subject) || list.hasNumber(trailingNumber(subject));
}

function listed(list: IdList, r: ProtocolRecording, by: SplitBy): boolean {
  if (by === 'subject') return subjectIn(list, r.subject);
  if (by === 'trial') return list.hasNumber(r.trial);
  return list.hasNumber(r.id) || list.hasName(r.name);
}

function keyOf(r: ProtocolRecording, by: SplitBy): string | number | null {
  return by === 'subject' ? r.subject : by === 'trial' ? r.trial : r.id;
}

/** What a rule puts in each split; `valFraction` of each label's training recordings is drawn for validation (seeded). */
export function splitByRule(recordings: ProtocolRecording[], rule: SplitRule, opts: { valFraction: number; seed: number }): SplitOutcome {
  checkValFraction(opts.valFraction);
  const lists = Object.fromEntries(
    SPLITS.flatMap((split) => (rule[split] === undefined ? [] : [[split, parseIdList(rule[split]!, `split.${split}`)]])),
  ) as Partial<Record<Split, IdList>>;
  if (!lists.train && !lists.test)
    throw new StudioError('INVALID_ARGUMENT', `split: list the training or the test ${rule.by}s (the other takes the rest)`, { field: 'split.train' });
  const valSubjects = rule.valSubjects === undefined ? null : parseIdList(rule.valSubjects, 'split.valSubjects');
  if (valSubjects && lists.val)
    throw new StudioError('INVALID_ARGUMENT', 'split: give validation as a list or as held-out subjects, not both', { field: 'split.valSubjects' });
  // a split without a list takes the rest: train when only test is listed, test when only train is
  const rest: Split | null = !lists.train ? 'train' : !lists.test ? 'test' : null;
  let unlisted = 0;
  let unkeyed = 0;
  const members: DatasetMember[] = [];
  const training: ProtocolRecording[] = [];
  for (const r of recordings) {
    if (keyOf(r, rule.by) === null) {
      unkeyed++;
      continue;
    }
    const hits = SPLITS.filter((split) => lists[split] && listed(lists[split]!, r, rule.by));
    if (hits.length > 1) {
      throw new StudioError('INVALID_ARGUMENT', `split: ${rule.by} ${keyOf(r, rule.by)} (recording ${r.name}) is listed for both ${hits[0]} and ${hits[1]}`, {
        field: `split.${hits[1]}`,
      });
    }
    const split = hits[0] ?? rest;
    if (split === null) unlisted++;
    else if (split === 'train' && valSubjects && subjectIn(valSubjects, r.subject)) members.push({ recordingId: r.id, split: 'val' });
    else if (split === 'train') training.push(r);
    else members.push({ recordingId: r.id, split });
  }
  members.push(...drawValidation(training, opts.valFraction, opts.seed));
  return { members: members.sort((a, b) => a.recordingId - b.recordingId), unlisted, unkeyed };
}

/** "by subject: train 1-4,6 · val subjects 2 · test 5,7-8" */
export function describeRule(rule: SplitRule, valFraction: number): string {
  const parts = SPLITS.flatMap((split) => {
    if (split === 'val' && rule.valSubjects) return [`val subjects ${rule.valSubjects}`];
    return rule[split] ? [`${split} ${rule[split]}`] : [];
  });
  const rest = !rule.train ? 'train the rest' : !rule.test ? 'test the rest' : null;
  const draw = valFraction > 0 ? `val ${Math.round(valFraction * 100)}% of train` : null;
  return `by ${rule.by}: ${[...parts, rest, draw].filter(Boolean).join(' · ')}`;
}
