/**
 * Filename patterns that pair a folder's files into recordings: 'acc_{subject}_{label}_{trial}.txt'.
 * A pattern is matched against a file's path under the folder ('/' between folders), letters in any
 * case. Each placeholder stands for one or more characters within one folder name, as few as let
 * the rest match: {trial} only digits, * anything (not kept).
 */
import { StudioError } from '../shared/errors.ts';

export const PLACEHOLDERS = ['subject', 'label', 'trial', 'name', 'sensor'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** The placeholders whose values, taken together, say which recording a file belongs to. */
export const RECORDING_KEYS: readonly Placeholder[] = ['name', 'subject', 'label', 'trial'];

export type Values = Partial<Record<Placeholder, string>>;

export interface FilePattern {
  text: string;
  placeholders: Placeholder[];
  /** the values of a path the pattern matches, or null */
  match(relativePath: string): Values | null;
}

const TOKEN = /\{([^{}]*)\}|\*/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

type Part = { literal: string } | { placeholder: Placeholder } | { any: true };

/** The pattern's literal text and placeholders in order; INVALID_ARGUMENT naming `field` for an unknown or repeated one. */
function tokens(text: string, field: string): Part[] {
  const parts: Part[] = [];
  const seen = new Set<string>();
  const literal = (piece: string) => {
    if (/[{}]/.test(piece)) throw new StudioError('INVALID_ARGUMENT', `${field}: an unmatched brace in ${JSON.stringify(text)}`, { field });
    if (piece) parts.push({ literal: piece });
  };
  let at = 0;
  for (const found of text.matchAll(TOKEN)) {
    literal(text.slice(at, found.index));
    at = found.index + found[0].length;
    if (found[0] === '*') {
      parts.push({ any: true });
      continue;
    }
    const name = found[1].trim().toLowerCase();
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      throw new StudioError(
        'INVALID_ARGUMENT',
        `${field}: unknown placeholder {${found[1]}} in ${JSON.stringify(text)}; use ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')} or *`,
        { field },
      );
    }
    if (seen.has(name)) throw new StudioError('INVALID_ARGUMENT', `${field}: {${name}} appears twice in ${JSON.stringify(text)}`, { field });
    seen.add(name);
    parts.push({ placeholder: name as Placeholder });
  }
  literal(text.slice(at));
  return parts;
}

function partRegExp(part: Part): string {
  if ('literal' in part) return escapeRegExp(part.literal);
  if ('any' in part) return '[^/]*?';
  return part.placeholder === 'trial' ? '(\\d+)' : '([^/]+?)';
}

export function compilePattern(text: string, field = 'patterns'): FilePattern {
  const parts = tokens(text.replace(/\\/g, '/').replace(/^\.?\//, ''), field);
  const placeholders = parts.flatMap((p) => ('placeholder' in p ? [p.placeholder] : []));
  if (parts.every((p) => 'literal' in p)) {
    throw new StudioError('INVALID_ARGUMENT', `${field}: ${JSON.stringify(text)} has no placeholder ({name}, {subject}, … or *): it would match one file`, {
      field,
    });
  }
  const regex = new RegExp(`^${parts.map(partRegExp).join('')}$`, 'i');
  return {
    text,
    placeholders,
    match(relativePath) {
      const found = regex.exec(relativePath);
      if (!found) return null;
      return Object.fromEntries(placeholders.map((p, i) => [p, found[i + 1]]));
    },
  };
}

/**
 * A recording's name from a template of the same placeholders ('{subject}-{label}-{trial}'); folders
 * become '_'. Placeholders the values lack are dropped with the separators they leave doubled.
 */
export function fillTemplate(template: string, values: Values, field = 'name'): string {
  const filled = tokens(template, field)
    .map((p) => ('literal' in p ? p.literal : 'placeholder' in p ? (values[p.placeholder] ?? '') : ''))
    .join('');
  return filled
    .replace(/[\\/]+/g, '_')
    .replace(/([_\-. ])[_\-. ]+/g, '$1')
    .replace(/^[_\-. ]+|[_\-. ]+$/g, '');
}

/** The template a pattern names its recordings by: itself without its extension, {sensor} and *. */
export function defaultNameTemplate(pattern: string): string {
  return pattern.replace(/\.[A-Za-z0-9*]+$/, '').replace(/\{\s*sensor\s*\}|\*/gi, '');
}

/** The literal words of a pattern once its placeholders and extension are gone ('acc' of 'acc_{subject}.txt'), or ''. */
export function patternWord(pattern: string): string {
  return fillTemplate(defaultNameTemplate(pattern).replace(TOKEN, '/'), {}).replace(/_+/g, '_');
}
