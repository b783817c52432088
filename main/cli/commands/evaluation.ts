/** vskd eval | report: a run's test-set evaluation, and the table of the finished runs. */
import { StudioError } from '../../shared/errors.ts';
import { optionalWhole, UsageError, type Command } from '../command.ts';

export const evalCommand: Command = {
  usage: 'vskd eval <project.vskd> <run> [--json]',
  help: '  --json   print the evaluation as JSON',
  positionals: 2,
  options: { json: { type: 'boolean' } },
  async run([file, runArg], values, io, studio) {
    const runId = optionalWhole({ run: runArg }, 'run', 1);
    if (runId === undefined) throw new UsageError('<run> is a run id');
    await studio.call('project.open', { path: file });
    const { run, evaluation } = await studio.call('runs.get', { runId });
    if (!evaluation) throw new StudioError('NOT_FOUND', `run ${run.id} has no evaluation (status ${run.status})`, { field: 'run' });
    if (values.json) return io.out(JSON.stringify(evaluation, null, 2));
    const percent = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(2)}%`);
    io.out(`run ${run.id} (${run.kind} ${run.method}, backend ${run.backend}) on the ${evaluation.split} split:`);
    io.out(`accuracy ${percent(evaluation.accuracy)}, macro-F1 ${percent(evaluation.macroF1)}`);
    if (run.selection) io.out(`weights: ${run.selection}; best validation accuracy ${percent(run.bestValAccuracy)}`);
    io.out('recall per class:');
    evaluation.classes.forEach((name, i) =>
      io.out(`  ${name.padEnd(32)} ${evaluation.perClassRecall[i] === null ? '—' : `${(100 * evaluation.perClassRecall[i]).toFixed(1)}%`}`),
    );
    io.out('confusion (rows: true, columns: predicted):');
    evaluation.confusion.forEach((row) => io.out(`  ${row.map((n) => String(n).padStart(3)).join(' ')}`));
  },
};

export const reportCommand: Command = {
  usage: 'vskd report <project.vskd> [--dataset NAME ...]',
  help: '  --dataset NAME   only these datasets (repeatable; default all)',
  positionals: 1,
  options: { dataset: { type: 'string', multiple: true } },
  async run([file], values, io, studio) {
    await studio.call('project.open', { path: file });
    const datasets = values.dataset as string[] | undefined;
    const report = await studio.call('runs.report', { datasets });
    if (report.rows.length === 0) throw new StudioError('NOT_FOUND', 'no finished runs with an evaluation to report', { field: 'runs' });
    io.out(report.markdown);
  },
};
