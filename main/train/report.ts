/**
 * The comparison table of runs, like the paper's Tables 1 and 4: one row per method, accuracy and
 * macro-F1 as mean ± sample standard deviation over seeds, teacher beside the students, a column
 * group per dataset. Only like runs are averaged: runs of one method whose settings differ (width,
 * image size, epochs, …) get a row each, named by what differs ("baseline (width 1, epochs 1)").
 */
export type SettingValue = string | number | boolean | null;

export interface RunResult {
  /** the row: 'teacher (pose)', 'baseline', 'dask', ... */
  method: string;
  /** the column group: the dataset's name and how it is split */
  protocol: string;
  seed: number;
  accuracy: number;
  macroF1: number;
  /** everything that shaped the run but its seed and dataset: runs differing here are never averaged */
  settings?: Record<string, SettingValue>;
}

export interface Summary {
  mean: number;
  std: number;
  n: number;
}

export function meanStd(values: number[]): Summary {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, n };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(variance), n };
}

export interface ComparisonRow {
  method: string;
  protocol: string;
  accuracy: Summary;
  macroF1: Summary;
  seeds: number;
}

export interface Comparison {
  /** row names in first-seen order */
  methods: string[];
  /** column groups in first-seen order */
  protocols: string[];
  rows: ComparisonRow[];
}

const shown = (value: SettingValue) => (typeof value === 'number' ? String(Number(value.toPrecision(6))) : JSON.stringify(value));

/** Each result's row named by its method and the settings in which it differs from the method's other runs. */
export function separateUnlikeRuns(results: RunResult[]): RunResult[] {
  const differing = new Map<string, string[]>();
  for (const method of new Set(results.map((r) => r.method))) {
    const runs = results.filter((r) => r.method === method);
    const names = [...new Set(runs.flatMap((r) => Object.keys(r.settings ?? {})))];
    differing.set(
      method,
      names.filter((name) => new Set(runs.map((r) => shown(r.settings?.[name] ?? null))).size > 1),
    );
  }
  return results.map((r) => {
    const names = differing.get(r.method)!;
    if (names.length === 0) return r;
    const detail = names.map((name) => `${name} ${shown(r.settings?.[name] ?? null)}`).join(', ');
    // a label that already lists its changed loss weights gets the settings inside the same brackets
    const method = r.method.endsWith(')') ? `${r.method.slice(0, -1)}, ${detail})` : `${r.method} (${detail})`;
    return { ...r, method };
  });
}

/** The rows of the table: like runs together, mean ± std over their seeds. */
export function compareRuns(results: RunResult[]): Comparison {
  const separated = separateUnlikeRuns(results);
  const methods = [...new Set(separated.map((r) => r.method))];
  const protocols = [...new Set(separated.map((r) => r.protocol))];
  const rows = methods.flatMap((method) =>
    protocols.flatMap((protocol) => {
      const runs = separated.filter((r) => r.method === method && r.protocol === protocol);
      if (runs.length === 0) return [];
      return [{ method, protocol, accuracy: meanStd(runs.map((r) => r.accuracy)), macroF1: meanStd(runs.map((r) => r.macroF1)), seeds: runs.length }];
    }),
  );
  return { methods, protocols, rows };
}

const percent = (s: Summary) => (Number.isNaN(s.mean) ? '—' : `${(100 * s.mean).toFixed(2)} ± ${(100 * s.std).toFixed(2)}`);

/** Rows in first-seen method order, one column pair per dataset (first-seen order). */
export function markdownTable(results: RunResult[]): string {
  const { methods, protocols, rows } = compareRuns(results);
  const header = ['method', ...protocols.flatMap((p) => [`${p} accuracy %`, `${p} macro-F1 %`, 'seeds'])];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  for (const method of methods) {
    const cells = protocols.flatMap((protocol) => {
      const row = rows.find((r) => r.method === method && r.protocol === protocol);
      return row ? [percent(row.accuracy), percent(row.macroF1), String(row.seeds)] : ['—', '—', '0'];
    });
    lines.push(`| ${[method, ...cells].join(' | ')} |`);
  }
  return lines.join('\n');
}
