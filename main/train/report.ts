/**
 * The comparison table of runs, like the paper's Tables 1 and 4: one row per method, accuracy and
 * macro-F1 as mean ± sample standard deviation over seeds, teacher beside the students.
 */
export interface RunResult {
  /** the row: 'teacher (pose)', 'baseline', 'dask', ... */
  method: string;
  protocol: string;
  seed: number;
  accuracy: number;
  macroF1: number;
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

const percent = (s: Summary) => (Number.isNaN(s.mean) ? '—' : `${(100 * s.mean).toFixed(2)} ± ${(100 * s.std).toFixed(2)}`);

/** Rows in first-seen method order, one column pair per protocol (first-seen order). */
export function markdownTable(results: RunResult[]): string {
  const methods = [...new Set(results.map((r) => r.method))];
  const protocols = [...new Set(results.map((r) => r.protocol))];
  const header = ['method', ...protocols.flatMap((p) => [`${p} accuracy %`, `${p} macro-F1 %`, 'seeds'])];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  for (const method of methods) {
    const cells = protocols.flatMap((protocol) => {
      const runs = results.filter((r) => r.method === method && r.protocol === protocol);
      return [percent(meanStd(runs.map((r) => r.accuracy))), percent(meanStd(runs.map((r) => r.macroF1))), String(runs.length)];
    });
    lines.push(`| ${[method, ...cells].join(' | ')} |`);
  }
  return lines.join('\n');
}
