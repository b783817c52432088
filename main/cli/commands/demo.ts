/**
 * vskd demo: the whole pipeline on the demo dataset, small enough for a 2-core CPU in minutes:
 * demo data → project → cross-subject dataset → pose teacher → baseline and DASK students → table.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateDemo } from '../../datasets/demo/generate.ts';
import { DEMO_MANIFEST } from '../../datasets/demo/manifest.ts';
import { importDemo } from '../../datasets/demoImport.ts';
import { splitByProtocol } from '../../datasets/protocols.ts';
import { createDataset, listDatasets } from '../../store/datasets.ts';
import { closeProject, openOrCreateProject } from '../../store/project.ts';
import { listRecordings } from '../../store/recordings.ts';
import { defaultJob, prepareRun } from '../../train/runs.ts';
import { optionalNumber, type Command } from '../command.ts';
import { reportCommand, train } from './train.ts';

export const demoCommand: Command = {
  path: ['demo'],
  summary: 'run the whole pipeline on the demo dataset: teacher, baseline and DASK students, comparison table',
  usage: 'vskd demo [--out DIR] [--epochs N] [--seed N] [--per-class N]',
  help: [
    '  --out DIR        where the demo data and project go (default ./vskd-demo; reused when present)',
    '  --epochs N       epochs of each run (default 30)',
    '  --seed N         the runs\' seed (default 1)',
    '  --per-class N    demo clips per action (default 10)',
  ].join('\n'),
  positionals: 0,
  options: { out: { type: 'string' }, epochs: { type: 'string' }, seed: { type: 'string' }, 'per-class': { type: 'string' } },
  async run(_positionals, values, io) {
    const dir = resolve((values.out as string | undefined) ?? 'vskd-demo');
    const dataDir = join(dir, 'data');
    if (!existsSync(join(dataDir, DEMO_MANIFEST))) {
      io.out(`generating the demo dataset in ${dataDir}`);
      await generateDemo(dataDir, { perClass: optionalNumber(values, 'per-class') ?? 10, sessions: 0 });
    }
    const projectPath = join(dir, 'demo.vskd');
    const project = await openOrCreateProject(projectPath);
    try {
      await importDemo(project, dataDir);
      if (!(await listDatasets(project.db)).some((d) => d.name === 'cross-subject')) {
        const members = splitByProtocol(await listRecordings(project.db), 'cross-subject', { valFraction: 0.2, seed: 1 });
        await createDataset(project.db, { name: 'cross-subject', protocol: 'cross-subject', config: { valFraction: 0.2, seed: 1 }, members });
      }
    } finally {
      await closeProject(project);
    }
    const common = { ...defaultJob, dataset: 'cross-subject', seed: optionalNumber(values, 'seed') ?? 1, epochs: optionalNumber(values, 'epochs') ?? 30, batchSize: 8 };
    const teacher = await prepareRun(projectPath, { ...common, kind: 'teacher', method: 'baseline', teacherRunId: null });
    await train(teacher, io);
    await train(await prepareRun(projectPath, { ...common, kind: 'student', method: 'baseline', teacherRunId: null }), io);
    await train(await prepareRun(projectPath, { ...common, kind: 'student', method: 'dask', teacherRunId: teacher.runId }), io);
    io.out('');
    await reportCommand.run([projectPath], {}, io);
  },
};
