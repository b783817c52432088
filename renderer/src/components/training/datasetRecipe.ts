/** The dataset builder's fields as a datasets.preview / datasets.create recipe: empty fields left out, numbers checked. */
import type { MethodArgs } from '../../../../main/shared/contract.ts';
import type { Protocol } from '../../../../main/shared/protocols.ts';

export type Recipe = MethodArgs<'datasets.preview'>;

/** a number field's value: Svelte binds a number input as a number, or null when it is empty */
type NumberField = string | number | null | undefined;

export interface BuilderFields {
  /** a protocol, or 'split' for lists or ranges per split */
  splitMode: Protocol | 'split';
  by: 'subject' | 'trial' | 'recording';
  train: string;
  val: string;
  test: string;
  /** held-out validation subjects */
  valSubjects: string;
  /** a share of the training samples for validation, percent ('' for the default) */
  valPercent: NumberField;
  seed: NumberField;
  samples: 'recordings' | 'segments';
  windowed: boolean;
  windowSeconds: NumberField;
  windowStride: NumberField;
  clip: NumberField;
  minSeconds: NumberField;
}

export const defaultFields: BuilderFields = {
  splitMode: 'cross-subject',
  by: 'subject',
  train: '',
  val: '',
  test: '',
  valSubjects: '',
  valPercent: '',
  seed: '1',
  samples: 'recordings',
  windowed: false,
  windowSeconds: '2',
  windowStride: '1',
  clip: '',
  minSeconds: '',
};

/** a field's number, undefined when empty; a thrown message names the field */
function numberOf(value: NumberField, field: string, check: (n: number) => boolean, rule: string): number | undefined {
  const text = value === null || value === undefined ? '' : String(value).trim();
  if (text === '') return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || !check(n)) throw new Error(`${field}: ${JSON.stringify(text)} ${rule}`);
  return n;
}

const text = (value: string) => (value.trim() === '' ? undefined : value.trim());

/** The recipe the fields describe; throws an Error naming the first bad field. */
export function recipeOf(f: BuilderFields): Recipe {
  const positive = (n: number) => n > 0;
  const valPercent = numberOf(f.valPercent, 'Validation %', (n) => n >= 0 && n < 100, 'must be a percentage from 0 to below 100');
  const seed = numberOf(f.seed, 'Split seed', (n) => Number.isInteger(n) && n >= 0, 'must be a whole number ≥ 0');
  const recipe: Recipe = { samples: f.samples, ...(seed !== undefined && { seed }), ...(valPercent !== undefined && { valFraction: valPercent / 100 }) };
  if (f.splitMode === 'split') {
    const split = { by: f.by, train: text(f.train), val: text(f.val), test: text(f.test), valSubjects: text(f.valSubjects) };
    if (!split.train && !split.val && !split.test) throw new Error('Split: list what goes in at least one split (e.g. train "1-4,6")');
    recipe.split = Object.fromEntries(Object.entries(split).filter(([, v]) => v !== undefined)) as NonNullable<Recipe['split']>;
  } else {
    recipe.protocol = f.splitMode;
  }
  if (f.samples === 'segments' && f.windowed) {
    const seconds = numberOf(f.windowSeconds, 'Window (s)', positive, 'must be a number of seconds above 0');
    const stride = numberOf(f.windowStride, 'Stride (s)', positive, 'must be a number of seconds above 0');
    if (seconds === undefined || stride === undefined) throw new Error('Windows: give a window length and a stride in seconds');
    recipe.window = { seconds, stride };
  }
  const clip = numberOf(f.clip, 'Clip', positive, 'must be a value above 0 (in the sensor units, e.g. 8 for ±8 g)');
  if (clip !== undefined) recipe.clip = clip;
  const minSeconds = numberOf(f.minSeconds, 'Min length (s)', (n) => n >= 0, 'must be a number of seconds ≥ 0');
  if (minSeconds !== undefined) recipe.minSeconds = minSeconds;
  return recipe;
}
