import { importDemo } from '../../datasets/demoImport.ts';
import { closeProject, openOrCreateProject } from '../../store/project.ts';
import { progressBar, requireString, type Command } from '../command.ts';

export const importDemoCommand: Command = {
  path: ['import', 'demo'],
  summary: 'import a demo dataset made by `vskd demo-data` (one recording per clip)',
  usage: 'vskd import demo <dataset-dir> --project <file.vskd>',
  help: [
    '  --project FILE   the project to import into (created when missing)',
    '',
    'Each clip becomes a recording with its label and subject, its accelerometer samples stored and',
    'its video referenced. Clips already in the project are skipped. The true clock offsets in',
    'demo.json are not imported: every recording starts unaligned.',
  ].join('\n'),
  positionals: 1,
  options: { project: { type: 'string' } },
  async run([dir], values, io) {
    const project = await openOrCreateProject(requireString(values, 'project'));
    try {
      const report = await importDemo(project, dir, { onProgress: progressBar(io, 'reading') });
      io.out(`imported ${report.imported} recordings in ${report.seconds.toFixed(1)} s into ${project.path}`);
      if (report.skipped.length) io.out(`skipped ${report.skipped.length} already in the project`);
    } finally {
      await closeProject(project);
    }
  },
};
