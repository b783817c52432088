/** The export report: what was written, how big and fast it is, and how closely it matches the tfjs model. */
import type { Latency } from './measure.ts';

export interface ExportedModelReport {
  file: string;
  format: 'onnx' | 'tfjs';
  precision: 'float32' | 'float16' | 'int8';
  bytes: number;
  /** null when it could not be measured (see note) */
  latency: Latency | null;
  /** on the test split */
  accuracy: number | null;
  /** against the tfjs model on the test split */
  top1Agreement: number | null;
  maxAbsDiff: number | null;
  note?: string;
}

export interface ExportReport {
  run: number;
  dataset: string;
  method: string;
  classes: number;
  model: { architecture: 'ResNet18'; width: number; inputSize: number; stem: string; parameters: number; macs: number };
  cpu: string;
  testSamples: number;
  tfjs: { backend: string; latency: Latency; accuracy: number | null };
  exports: ExportedModelReport[];
  /** checks the export ran, each a sentence (e.g. the tfjs reload) */
  checks: string[];
}

const percent = (x: number | null) => (x === null || Number.isNaN(x) ? '—' : `${(100 * x).toFixed(2)}%`);
const ms = (l: Latency | null) => (l ? `${l.medianMs.toFixed(2)} ms` : '—');
const size = (bytes: number) => (bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`);

export function reportMarkdown(r: ExportReport): string {
  const runs = [r.tfjs.latency.runs, ...r.exports.map((e) => e.latency?.runs)].find((n) => n !== undefined);
  const lines = [
    `# Export of run ${r.run} (${r.method}, dataset ${r.dataset})`,
    '',
    `- model: ResNet18, width ${r.model.width}, ${r.model.inputSize}×${r.model.inputSize} input, ${r.model.stem} stem, ${r.classes} classes`,
    `- parameters: ${r.model.parameters.toLocaleString('en-US')}; multiply-accumulates per inference: ${r.model.macs.toLocaleString('en-US')}`,
    `- latency: batch 1, median of ${runs} runs after 3 warm-up runs, one thread, on ${r.cpu}`,
    `- accuracy and agreement: the test split (${r.testSamples} samples); agreement and |Δ logit| against the tfjs model`,
    '',
    '| model | file | size | latency | test accuracy | top-1 agreement | max abs diff |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    `| tfjs (${r.tfjs.backend}) | — | — | ${ms(r.tfjs.latency)} | ${percent(r.tfjs.accuracy)} | — | — |`,
    ...r.exports.map(
      (e) =>
        `| ${e.format} ${e.precision} | ${e.file} | ${size(e.bytes)} | ${ms(e.latency)} | ${percent(e.accuracy)} | ${percent(e.top1Agreement)} | ${e.maxAbsDiff === null ? '—' : e.maxAbsDiff.toExponential(2)} |`,
    ),
    ...r.exports.filter((e) => e.note).map((e) => `\n${e.file}: ${e.note}`),
    ...(r.exports.some((e) => e.precision !== 'float32')
      ? [
          '',
          'float16: parameters stored as float16, cast to float32 when the session loads; int8: weight-only (per-channel int8 weights dequantised to float32 at run time); all arithmetic is float32.',
        ]
      : []),
    ...(r.checks.length ? ['', ...r.checks.map((c) => `- ${c}`)] : []),
  ];
  return `${lines.join('\n')}\n`;
}
