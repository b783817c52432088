import type { MethodArgs, MethodResult } from '../../shared/contract.ts';
import { protocols } from '../../shared/protocols.ts';
import { oneOf, optionalNumber, optionalString, optionalWhole, UsageError, type CliIO, type Command, type OptionValues } from '../command.ts';

const splitBys = ['subject', 'trial', 'recording'] as const;

/** The recipe the options describe (datasets.preview's arguments). */
function recipeOf(values: OptionValues): MethodArgs<'datasets.preview'> {
  const protocol = oneOf(values, 'protocol', protocols);
  const by = oneOf(values, 'by', splitBys);
  if ((protocol === undefined) === (by === undefined)) throw new UsageError(`give --protocol ${protocols.join('|')} or --by ${splitBys.join('|')}`);
  const lists = {
    train: optionalString(values, 'train'),
    val: optionalString(values, 'val-list'),
    test: optionalString(values, 'test'),
    valSubjects: optionalString(values, 'val-subjects'),
  };
  if (protocol !== undefined && Object.values(lists).some((l) => l !== undefined))
    throw new UsageError('--train, --test, --val-list and --val-subjects go with --by, not --protocol');
  const seconds = optionalNumber(values, 'window');
  const stride = optionalNumber(values, 'stride');
  if (stride !== undefined && seconds === undefined) throw new UsageError('--stride goes with --window');
  const split = by === undefined ? undefined : Object.fromEntries(Object.entries({ by, ...lists }).filter(([, v]) => v !== undefined));
  return {
    ...(protocol ? { protocol } : { split: split as MethodArgs<'datasets.preview'>['split'] }),
    valFraction: optionalNumber(values, 'val'),
    seed: optionalWhole(values, 'seed') ?? 1,
    samples: values.segments || seconds !== undefined ? 'segments' : 'recordings',
    ...(seconds === undefined ? {} : { window: { seconds, stride: stride ?? seconds } }),
    clip: optionalNumber(values, 'clip'),
    minSeconds: optionalNumber(values, 'min-seconds'),
  };
}

function printPreview(io: CliIO, preview: MethodResult<'datasets.preview'>, unit: string): void {
  const trials = preview.trials.length ? ` (trials ${preview.trials.join(', ')})` : '';
  io.out(`subjects: ${preview.subjects.length ? preview.subjects.join(', ') : 'none'}${trials}`);
  for (const split of ['train', 'val', 'test'] as const) {
    const s = preview.splits[split];
    const perClass = Object.entries(s.perClass)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
    // samples of whole recordings are the recordings: their count once
    const from = unit === 'recordings' ? '' : ` (${s.recordings} recordings)`;
    io.out(`  ${split.padEnd(5)} ${s.total} ${unit}${from}${s.total ? `: ${perClass}` : ''}`);
  }
  if (preview.leftOut.length) io.out(`left out: ${preview.leftOut.map((l) => `${l.count} ${l.reason}`).join('; ')}`);
  for (const warning of preview.warnings) io.err(`warning: ${warning}`);
}

export const datasetCreateCommand: Command = {
  usage: `vskd dataset create <project.vskd> (--protocol ${protocols.join('|')} | --by ${splitBys.join('|')} [--train LIST] [--test LIST] [--val-list LIST | --val-subjects LIST]) [--segments | --window S [--stride S]] [--clip X] [--min-seconds S] [--val FRACTION] [--seed N] [--name NAME] [--dry-run]`,
  help: [
    '  --protocol P        cross-subject: odd subjects train, even subjects test;',
    '                      subject-specific: trials 1-2 train, trials 3-4 test',
    '  --by KEY            split by subject, trial or recording, with lists or ranges such as 1-4,6',
    '                      (subjects by number or name, recordings by id or name):',
    '  --train LIST        what trains; left out, the rest trains',
    '  --test LIST         what tests; left out, the rest tests',
    '  --val-list LIST     what validates',
    '  --val-subjects LIST subjects whose training recordings validate instead (held-out subjects)',
    '  --segments          samples are the annotated segments (default: whole recordings with their label)',
    '  --window S          samples are windows of S seconds inside the segments (implies --segments)',
    '  --stride S          seconds between window starts (default: the window, no overlap)',
    '  --clip X            clip sensor values to ±X (e.g. 8 for ±8 g); values beyond are counted in a warning',
    '  --min-seconds S     leave out segments (or recordings) shorter than S seconds',
    "  --val FRACTION      share of each action's training recordings drawn for validation",
    '                      (default 0.1 with --protocol, 0 with --by)',
    '  --seed N            seed of the validation draw (default 1)',
    "  --name NAME         the dataset's name (default: the protocol, or by-KEY)",
    '  --dry-run           show the subjects and the counts per class and split; create nothing',
  ].join('\n'),
  positionals: 1,
  options: {
    protocol: { type: 'string' },
    by: { type: 'string' },
    train: { type: 'string' },
    test: { type: 'string' },
    'val-list': { type: 'string' },
    'val-subjects': { type: 'string' },
    segments: { type: 'boolean' },
    window: { type: 'string' },
    stride: { type: 'string' },
    clip: { type: 'string' },
    'min-seconds': { type: 'string' },
    name: { type: 'string' },
    val: { type: 'string' },
    seed: { type: 'string' },
    'dry-run': { type: 'boolean' },
  },
  async run([file], values, io, studio) {
    const recipe = recipeOf(values);
    await studio.call('project.open', { path: file });
    const unit = recipe.window ? 'windows' : recipe.samples === 'segments' ? 'segments' : 'recordings';
    if (values['dry-run']) {
      const preview = await studio.call('datasets.preview', recipe);
      io.out(`would create: ${preview.description}`);
      return printPreview(io, preview, unit);
    }
    const name = optionalString(values, 'name') ?? recipe.protocol ?? `by-${recipe.split!.by}`;
    const dataset = await studio.call('datasets.create', { name, ...recipe });
    io.out(`dataset ${dataset.name}: ${dataset.description}`);
    printPreview(io, dataset.preview, unit);
  },
};

export const datasetListCommand: Command = {
  usage: 'vskd dataset list <project.vskd>',
  help: '  (no options)',
  positionals: 1,
  options: {},
  async run([file], _values, io, studio) {
    await studio.call('project.open', { path: file });
    const datasets = await studio.call('datasets.list', {});
    if (datasets.length === 0) io.out('no datasets (vskd dataset create --help)');
    for (const d of datasets) io.out(`${d.id}  ${d.name.padEnd(20)} train ${d.counts.train}, val ${d.counts.val}, test ${d.counts.test}  ${d.description}`);
  },
};
