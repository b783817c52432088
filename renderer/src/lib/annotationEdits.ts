/**
 * A recording's annotations while they are edited: what is shown, the saves (one after another, in
 * the order asked), and undo/redo, which replays the inverse of what each API call answered. No
 * Svelte here: a view subscribes to `onchange` and draws the snapshot it is given.
 */
import type { MethodArgs, MethodResult } from '../../../main/shared/contract.ts';
import { videoToSensor, type ClockModel } from '../../../main/shared/clockModel.ts';
import { messageOf } from './errors.ts';
import type { StudioClient } from './studio.ts';

export type Annotation = MethodResult<'annotations.list'>['annotations'][number];
export type Label = MethodResult<'labels.list'>[number];
export type AnnotationChange = Omit<MethodArgs<'annotations.update'>, 'id'>;

/** the shortest segment the store takes (MIN_DURATION in main/store/annotations.ts) */
export const MIN_SEGMENT = 0.001;

/** what one edit did, enough to undo and redo it */
type Op =
  | { kind: 'create'; annotation: Annotation }
  | { kind: 'update'; before: Annotation; after: Annotation }
  | { kind: 'delete'; annotation: Annotation }
  /** a label made while editing (a new name typed for a segment): undone, it leaves the schema again */
  | { kind: 'label'; label: Label };

export interface EditsSnapshot {
  annotations: Annotation[];
  labels: Label[];
  clock: ClockModel;
  canUndo: boolean;
  canRedo: boolean;
  /** saves asked for and not yet answered */
  saving: number;
  error: string | null;
}

const byStart = (a: Annotation, b: Annotation) => a.startVideo - b.startVideo || a.endVideo - b.endVideo || a.id - b.id;
const fields = (a: Annotation) => ({ labelId: a.labelId, start: a.start, end: a.end, timeBase: a.timeBase, note: a.note });

export class AnnotationEdits {
  private annotations: Annotation[] = [];
  private labels: Label[] = [];
  private clock: ClockModel = { offset: 0, drift: 0 };
  private undoStack: Op[] = [];
  private redoStack: Op[] = [];
  private saving = 0;
  private error: string | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: Pick<StudioClient, 'call'>,
    readonly recordingId: number,
    private readonly onchange: (snapshot: EditsSnapshot) => void,
  ) {}

  snapshot(): EditsSnapshot {
    return {
      annotations: this.annotations,
      labels: this.labels,
      clock: this.clock,
      canUndo: this.undoStack.length > 0,
      canRedo: this.redoStack.length > 0,
      saving: this.saving,
      error: this.error,
    };
  }

  private changed(): void {
    this.onchange(this.snapshot());
  }

  /** Reads the recording's annotations and the label schema again (what is stored wins). */
  async load(): Promise<void> {
    const [list, schema] = await Promise.all([this.client.call('annotations.list', { recordingId: this.recordingId }), this.client.call('labels.list', {})]);
    this.annotations = list.annotations;
    this.clock = list.clock;
    this.labels = schema;
    this.changed();
  }

  /** Resolves once every save asked for so far has been answered. */
  settled(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  /** A problem found before anything is sent (a segment too short, no label). */
  refuse(message: string): void {
    this.error = message;
    this.changed();
  }

  private save<T>(work: () => Promise<T>): Promise<T | null> {
    this.saving++;
    this.changed();
    const done = this.queue.then(work).then(
      (value) => {
        this.error = null;
        return value;
      },
      async (err: unknown) => {
        this.error = messageOf(err);
        // what is shown may no longer be what is stored
        await this.load().catch(() => undefined);
        return null;
      },
    );
    this.queue = done.finally(() => {
      this.saving--;
      this.changed();
    });
    return done;
  }

  private put(a: Annotation): void {
    this.annotations = [...this.annotations.filter((x) => x.id !== a.id), a].sort(byStart);
  }

  private drop(id: number): void {
    this.annotations = this.annotations.filter((x) => x.id !== id);
  }

  private record(op: Op): void {
    this.undoStack = [...this.undoStack, op];
    this.redoStack = [];
  }

  /** A new segment in video time; resolves to it once stored (null when the save failed). */
  create(labelId: number, start: number, end: number): Promise<Annotation | null> {
    if (end - start < MIN_SEGMENT) {
      this.refuse('that segment is too short: mark its end later than its start');
      return Promise.resolve(null);
    }
    return this.save(async () => {
      const created = await this.client.call('annotations.create', { recordingId: this.recordingId, labelId, start, end, timeBase: 'video' });
      this.put(created);
      this.record({ kind: 'create', annotation: created });
      return created;
    });
  }

  update(a: Annotation, change: AnnotationChange): Promise<Annotation | null> {
    return this.save(async () => {
      const { before, after } = await this.client.call('annotations.update', { id: a.id, ...change });
      this.put(after);
      this.record({ kind: 'update', before, after });
      return after;
    });
  }

  /** Moves or resizes to new video times, written on the segment's own clock. */
  place(a: Annotation, startVideo: number, endVideo: number): Promise<Annotation | null> {
    if (endVideo - startVideo < MIN_SEGMENT) {
      this.refuse(`a segment ends after it starts: ${endVideo.toFixed(3)} s is not after ${startVideo.toFixed(3)} s`);
      return Promise.resolve(null);
    }
    const onClock = (t: number) => (a.timeBase === 'video' ? t : videoToSensor(this.clock, t));
    return this.update(a, { start: onClock(startVideo), end: onClock(endVideo) });
  }

  delete(a: Annotation): Promise<Annotation | null> {
    return this.save(async () => {
      const deleted = await this.client.call('annotations.delete', { id: a.id });
      this.drop(deleted.id);
      this.record({ kind: 'delete', annotation: deleted });
      return deleted;
    });
  }

  private async restore(a: Annotation): Promise<void> {
    this.put(await this.client.call('annotations.create', { recordingId: a.recordingId, id: a.id, ...fields(a) }));
  }

  private async remove(id: number): Promise<void> {
    this.drop((await this.client.call('annotations.delete', { id })).id);
  }

  private async removeLabel(id: number): Promise<void> {
    const removed = await this.client.call('labels.delete', { id });
    this.labels = this.labels.filter((l) => l.id !== removed.id);
  }

  private async restoreLabel(label: Label): Promise<void> {
    const { id, name, description, color, position } = label;
    const restored = await this.client.call('labels.create', { id, name, description, position, ...(color !== null && { color }) });
    this.labels = [...this.labels, restored].sort((a, b) => a.position - b.position);
  }

  private async overwrite(a: Annotation): Promise<void> {
    this.put((await this.client.call('annotations.update', { id: a.id, ...fields(a) })).after);
  }

  undo(): void {
    const op = this.undoStack.at(-1);
    if (!op) return;
    this.undoStack = this.undoStack.slice(0, -1);
    void this.save(async () => {
      if (op.kind === 'create') await this.remove(op.annotation.id);
      else if (op.kind === 'label') await this.removeLabel(op.label.id);
      else if (op.kind === 'delete') await this.restore(op.annotation);
      else await this.overwrite(op.before);
      this.redoStack = [...this.redoStack, op];
    });
  }

  redo(): void {
    const op = this.redoStack.at(-1);
    if (!op) return;
    this.redoStack = this.redoStack.slice(0, -1);
    void this.save(async () => {
      if (op.kind === 'create') await this.restore(op.annotation);
      else if (op.kind === 'label') await this.restoreLabel(op.label);
      else if (op.kind === 'delete') await this.remove(op.annotation.id);
      else await this.overwrite(op.after);
      this.undoStack = [...this.undoStack, op];
    });
  }

  /** A new label in the schema, undone like an edit; resolves to it once stored. */
  addLabel(name: string, color: string): Promise<Label | null> {
    return this.save(async () => {
      const label = await this.client.call('labels.create', { name, color });
      this.labels = [...this.labels, label];
      this.record({ kind: 'label', label });
      return label;
    });
  }
}
