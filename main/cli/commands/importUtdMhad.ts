import { importUtdMhad, UTD_MHAD } from '../../datasets/utdMhad.ts';
import { closeProject, openOrCreateProject } from '../../store/project.ts';
import { progressBar, requireString, type Command } from '../command.ts';

export const importUtdMhadCommand: Command = {
  path: ['import', 'utd-mhad'],
  summary: 'import the UTD-MHAD dataset (one recording per sequence)',
  usage: 'vskd import utd-mhad <dataset-dir> --project <file.vskd> [--skip-bad]',
  help: [
    '  --project FILE   the project to import into (created when missing)',
    '  --skip-bad       leave out sequences with unreadable files instead of importing nothing',
    '',
    'The folder holds actions.tsv and Inertial/, Depth/, Skeleton/ with a{A}_s{S}_t{T}_*.mat files.',
    'Inertial samples are stored in the project; depth and skeleton files are referenced.',
    'Sequences already in the project are skipped.',
  ].join('\n'),
  positionals: 1,
  options: { project: { type: 'string' }, 'skip-bad': { type: 'boolean' } },
  async run([dir], values, io) {
    const project = await openOrCreateProject(requireString(values, 'project'));
    try {
      const report = await importUtdMhad(project, dir, { skipBad: values['skip-bad'] === true, onProgress: progressBar(io, 'reading') });
      io.out(`imported ${report.imported} recordings in ${report.seconds.toFixed(1)} s into ${project.path}`);
      const known = report.missing.filter((m) => (UTD_MHAD.knownMissing as readonly string[]).includes(m));
      const other = report.missing.filter((m) => !known.includes(m));
      if (known.length) io.out(`missing in the dataset (known): ${known.join(', ')}`);
      if (other.length) io.out(`missing files: ${other.join(', ')}`);
      const already = report.skipped.filter((s) => s.reason === 'already in the project');
      if (already.length) io.out(`skipped ${already.length} already in the project`);
      for (const s of report.skipped.filter((s) => !already.includes(s))) io.out(`skipped ${s.name}: ${s.reason}`);
    } finally {
      await closeProject(project);
    }
  },
};
