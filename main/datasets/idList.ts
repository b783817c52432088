/**
 * Lists and ranges that pick subjects, trials or recordings for a split: "1-4,6", "s3, s5", "a1_s1_t1".
 * Items are numbers, ranges of numbers, or names; what a number means (a subject's number, a trial, a
 * recording's id) is the caller's.
 */
import { StudioError } from '../shared/errors.ts';

export interface IdList {
  /** as given, for descriptions */
  text: string;
  /** a number in one of the ranges */
  hasNumber(value: number | null): boolean;
  /** a name listed as such (letter case aside) */
  hasName(value: string | null): boolean;
}

type Item = { low: number; high: number } | { name: string };

/** The number a subject or trial ends in: 3, "3", "s3", "S03", "subject 3"; null when none. */
export function trailingNumber(value: string | number | null): number | null {
  const match = value === null ? null : /(\d+)\s*$/.exec(String(value));
  return match ? Number(match[1]) : null;
}

function parseItem(raw: string, field: string): Item {
  const range = /^(\d+)\s*-\s*(\d+)$/.exec(raw);
  if (range) {
    const [low, high] = [Number(range[1]), Number(range[2])];
    if (low > high) throw new StudioError('INVALID_ARGUMENT', `${field}: the range ${raw} runs backwards`, { field });
    return { low, high };
  }
  if (/^\d+$/.test(raw)) return { low: Number(raw), high: Number(raw) };
  return { name: raw.toLowerCase() };
}

/** Parses a comma-separated list; `field` names it in errors ('split.train'). */
export function parseIdList(text: string, field: string): IdList {
  const raws = text.split(',').map((s) => s.trim());
  if (raws.some((s) => s === '')) throw new StudioError('INVALID_ARGUMENT', `${field}: ${JSON.stringify(text)} has an empty item`, { field });
  const items = raws.map((raw) => parseItem(raw, field));
  return {
    text: raws.join(','),
    hasNumber: (value) => value !== null && items.some((item) => 'low' in item && value >= item.low && value <= item.high),
    hasName: (value) => value !== null && items.some((item) => 'name' in item && item.name === value.toLowerCase()),
  };
}
