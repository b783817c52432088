import { requireString, type Command } from '../command.ts';
import { importInto } from '../importInto.ts';

export const importDemoCommand: Command = {
  usage: 'vskd import demo <dataset-dir> --project <file.vskd>',
  help: [
    '  --project FILE      the project to import into (created when missing)',
    '',
    'Each clip becomes a recording with its label and subject, its accelerometer samples stored and',
    'its video referenced. Clips already in the project are skipped. The true clock offsets in',
    'demo.json are not imported: every recording starts unaligned.',
  ].join('\n'),
  positionals: 1,
  options: { project: { type: 'string' } },
  async run([dir], values, io, studio) {
    const project = requireString(values, 'project');
    const report = await importInto(studio, io, project, () => studio.call('import.demo', { dir }));
    io.out(`imported ${report.imported} recordings in ${report.seconds.toFixed(1)} s into ${project}`);
    if (report.skipped.length) io.out(`skipped ${report.skipped.length} already in the project`);
  },
};
