/** vskd export: a trained student as a device bundle (ONNX or tfjs) with its manifest and report. */
import { DEFAULT_LATENCY_RUNS, exportStudent, quantizationOrder, type ExportFormat } from '../../export/exportStudent.ts';
import { optionalNumber, requireString, UsageError, type Command } from '../command.ts';

export const exportCommand: Command = {
  path: ['export'],
  summary: 'export a trained student for a device: ONNX (optionally float16 / int8) or a tfjs weights directory, with manifest and report',
  usage: 'vskd export <project.vskd> <run> --format tfjs|onnx [--quantize int8|float16] --out <dir>',
  help: [
    '  --format F          onnx: model.onnx (opset 13, input "gaf" float32 [batch, 3, S, S] NCHW = GAF of x, y, z;',
    '                      output "logits"); tfjs: our weights directory (model.json, weights.bin) + architecture.json',
    '  --quantize Q        onnx only, also write model.float16.onnx and/or model.int8.onnx (a comma list: int8,float16)',
    '  --out DIR           the bundle: the model files, manifest.json (the preprocessing a device repeats), report.md/json',
    `  --runs N            timed runs per latency figure, batch 1 (default ${DEFAULT_LATENCY_RUNS})`,
    '',
    'The report gives parameters, file sizes, multiply-accumulates, latency (onnxruntime-node and tfjs wasm,',
    'one thread) and test-split accuracy of each exported model against the tfjs model.',
  ].join('\n'),
  positionals: 2,
  options: { format: { type: 'string' }, quantize: { type: 'string' }, out: { type: 'string' }, runs: { type: 'string' } },
  async run([file, runArg], values, io) {
    const runId = Number(runArg);
    if (!Number.isInteger(runId) || runId < 1) throw new UsageError(`<run> is a run id (vskd report lists them), got ${JSON.stringify(runArg)}`);
    const format = requireString(values, 'format');
    if (format !== 'tfjs' && format !== 'onnx') throw new UsageError('--format is tfjs or onnx');
    const quantize = ((values.quantize as string | undefined) ?? '').split(',').map((q) => q.trim()).filter(Boolean);
    if (quantize.some((q) => q !== 'int8' && q !== 'float16')) throw new UsageError('--quantize lists int8 and/or float16');
    if (quantize.length > 0 && format !== 'onnx') throw new UsageError('--quantize applies to --format onnx');
    const runs = optionalNumber(values, 'runs') ?? DEFAULT_LATENCY_RUNS;
    if (!Number.isInteger(runs) || runs < 1) throw new UsageError('--runs takes a whole number ≥ 1');
    const out = requireString(values, 'out');
    const result = await exportStudent({
      projectPath: file,
      runId,
      format: format as ExportFormat,
      quantize: quantizationOrder(quantize),
      outDir: out,
      latencyRuns: runs,
      log: (line) => io.err(line),
    });
    io.out(result.markdown);
    io.out(`wrote ${result.files.join(', ')} to ${out}`);
  },
};
