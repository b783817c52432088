/**
 * Editing a recording's metadata from the UI: the form's text read as a recordings.update, and the
 * edits made so far, newest last, each undone by applying what the recording was before it.
 */
import type { MethodArgs, MethodResult } from '../../../main/shared/contract.ts';

type Recording = MethodResult<'recordings.list'>[number];
export type UpdateArgs = MethodArgs<'recordings.update'>;

/** the form's fields, as typed */
export interface MetadataDraft {
  name: string;
  label: string;
  subject: string;
  trial: string;
}

export const draftOf = (r: Recording): MetadataDraft => ({
  name: r.name,
  label: r.label ?? '',
  subject: r.subject ?? '',
  trial: r.trial === null ? '' : String(r.trial),
});

/** The update the draft asks for (only what changed; an empty field clears it), or the problem with it. */
export function updateOf(r: Recording, draft: MetadataDraft): { args: UpdateArgs } | { problem: string } {
  const name = draft.name.trim();
  if (!name) return { problem: 'Name: a recording needs a name' };
  const trialText = draft.trial.trim();
  if (trialText && !/^\d+$/.test(trialText)) return { problem: `Trial: ${trialText} is not a whole number` };
  const next = { name, label: draft.label.trim() || null, subject: draft.subject.trim() || null, trial: trialText ? Number(trialText) : null };
  const args: UpdateArgs = { recordingId: r.id };
  if (next.name !== r.name) args.name = next.name;
  if (next.label !== r.label) args.label = next.label;
  if (next.subject !== r.subject) args.subject = next.subject;
  if (next.trial !== r.trial) args.trial = next.trial;
  return { args };
}

/** whether an update changes anything */
export const changesSomething = (args: UpdateArgs): boolean => Object.keys(args).length > 1;

/** the update that puts back what `before` was */
export const restoreOf = (before: Recording): UpdateArgs => ({
  recordingId: before.id,
  name: before.name,
  label: before.label,
  subject: before.subject,
  trial: before.trial,
});

export interface Edit {
  recordingId: number;
  /** the recording's name after the edit, for the Undo button */
  name: string;
  undo: UpdateArgs;
}

/** The edits made in this window, newest last; the list is a value, so a Svelte $state holds it as is. */
export type EditHistory = readonly Edit[];

/** how many edits Undo can reach back */
export const historyLength = 50;

export const withEdit = (history: EditHistory, { before, after }: MethodResult<'recordings.update'>): EditHistory =>
  [...history, { recordingId: after.id, name: after.name, undo: restoreOf(before) }].slice(-historyLength);

/** the history without its newest edit (once that edit is undone) */
export const withoutLatest = (history: EditHistory): EditHistory => history.slice(0, -1);

/** a deleted recording's edits cannot be undone */
export const withoutRecording = (history: EditHistory, recordingId: number): EditHistory => history.filter((e) => e.recordingId !== recordingId);
