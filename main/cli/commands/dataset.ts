import { protocols } from '../../shared/protocols.ts';
import { oneOf, optionalNumber, optionalString, optionalWhole, UsageError, type Command } from '../command.ts';

export const datasetCreateCommand: Command = {
  usage: `vskd dataset create <project.vskd> --protocol ${protocols.join('|')} [--name NAME] [--val FRACTION] [--seed N]`,
  help: [
    '  --protocol P     cross-subject: odd subjects train, even subjects test;',
    '                   subject-specific: trials 1-2 train, trials 3-4 test',
    "  --name NAME      the dataset's name (default: the protocol)",
    "  --val FRACTION   share of each action's training recordings held out for validation (default 0.1)",
    '  --seed N         seed of the validation draw (default 1)',
  ].join('\n'),
  positionals: 1,
  options: { protocol: { type: 'string' }, name: { type: 'string' }, val: { type: 'string' }, seed: { type: 'string' } },
  async run([file], values, io, studio) {
    const protocol = oneOf(values, 'protocol', protocols);
    if (protocol === undefined) throw new UsageError(`--protocol is required: ${protocols.join(' or ')}`);
    await studio.call('project.open', { path: file });
    const name = optionalString(values, 'name') ?? protocol;
    const dataset = await studio.call('datasets.create', { name, protocol, valFraction: optionalNumber(values, 'val'), seed: optionalWhole(values, 'seed') });
    const { train, val, test } = dataset.counts;
    io.out(`dataset ${dataset.name}: ${train} train, ${val} val, ${test} test recordings`);
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
    for (const d of datasets) io.out(`${d.id}  ${d.name.padEnd(20)} ${d.protocol.padEnd(17)} train ${d.counts.train}, val ${d.counts.val}, test ${d.counts.test}`);
  },
};
