/** vskd export: a trained student as a device bundle (ONNX or tfjs) with its manifest and report. */
import { DEFAULT_LATENCY_RUNS } from '../../shared/exportSettings.ts';
import { doneResult } from '../../shared/jobResult.ts';
import { jobFailure, listOf, oneOf, optionalWhole, requireString, UsageError, type Command } from '../command.ts';

export const exportCommand: Command = {
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
  async run([file, runArg], values, io, studio) {
    const runId = optionalWhole({ run: runArg }, 'run', 1);
    if (runId === undefined) throw new UsageError(`<run> is a run id (vskd report lists them), got ${JSON.stringify(runArg)}`);
    requireString(values, 'format');
    const format = oneOf(values, 'format', ['tfjs', 'onnx'] as const)!;
    const out = requireString(values, 'out');
    await studio.call('project.open', { path: file });
    const args = { runId, format, quantize: listOf(values, 'quantize', ['int8', 'float16'] as const), out, latencyRuns: optionalWhole(values, 'runs', 1) };
    const end = await studio.job((await studio.call('runs.export', args)).job, (step) => step.message && io.err(step.message));
    const result = doneResult(end, 'export.student', jobFailure);
    io.out(result.markdown);
    io.out(`wrote ${result.files.join(', ')} to ${result.outDir}`);
  },
};
