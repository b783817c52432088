import { splitByProtocol } from '../../datasets/protocols.ts';
import { protocols, type Protocol } from '../../shared/protocols.ts';
import { createDataset, listDatasets } from '../../store/datasets.ts';
import { closeProject, openProject } from '../../store/project.ts';
import { listRecordings } from '../../store/recordings.ts';
import { optionalNumber, requireString, UsageError, type Command } from '../command.ts';

export const datasetCreateCommand: Command = {
  path: ['dataset', 'create'],
  summary: 'split the project\'s recordings into train / val / test by a protocol',
  usage: `vskd dataset create <project.vskd> --protocol ${protocols.join('|')} [--name NAME] [--val FRACTION] [--seed N]`,
  help: [
    '  --protocol P     cross-subject: odd subjects train, even subjects test;',
    '                   subject-specific: trials 1-2 train, trials 3-4 test',
    '  --name NAME      the dataset\'s name (default: the protocol)',
    '  --val FRACTION   share of each action\'s training recordings held out for validation (default 0.1)',
    '  --seed N         seed of the validation draw (default 1)',
  ].join('\n'),
  positionals: 1,
  options: { protocol: { type: 'string' }, name: { type: 'string' }, val: { type: 'string' }, seed: { type: 'string' } },
  async run([file], values, io) {
    const protocol = requireString(values, 'protocol');
    if (!(protocols as readonly string[]).includes(protocol)) throw new UsageError(`--protocol is one of ${protocols.join(', ')}`);
    const project = await openProject(file);
    try {
      const recordings = await listRecordings(project.db);
      const members = splitByProtocol(recordings, protocol as Protocol, { valFraction: optionalNumber(values, 'val'), seed: optionalNumber(values, 'seed') });
      const name = (values.name as string | undefined) ?? protocol;
      await createDataset(project.db, { name, protocol, config: { valFraction: optionalNumber(values, 'val') ?? 0.1, seed: optionalNumber(values, 'seed') ?? 1 }, members });
      const count = (split: string) => members.filter((m) => m.split === split).length;
      io.out(`dataset ${name}: ${count('train')} train, ${count('val')} val, ${count('test')} test recordings`);
    } finally {
      await closeProject(project);
    }
  },
};

export const datasetListCommand: Command = {
  path: ['dataset', 'list'],
  summary: 'list the project\'s datasets and their split sizes',
  usage: 'vskd dataset list <project.vskd>',
  help: "  (no options)",
  positionals: 1,
  options: {},
  async run([file], _values, io) {
    const project = await openProject(file);
    try {
      const datasets = await listDatasets(project.db);
      if (datasets.length === 0) io.out('no datasets (vskd dataset create --help)');
      for (const d of datasets) io.out(`${d.id}  ${d.name.padEnd(20)} ${d.protocol.padEnd(17)} train ${d.counts.train}, val ${d.counts.val}, test ${d.counts.test}`);
    } finally {
      await closeProject(project);
    }
  },
};
