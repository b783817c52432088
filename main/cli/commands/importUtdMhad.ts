import { optionalWhole, requireString, type Command } from '../command.ts';
import { importInto } from '../importInto.ts';

export const importUtdMhadCommand: Command = {
  usage: 'vskd import utd-mhad <dataset-dir> --project <file.vskd> [--skip-bad] [--with-video [--jobs N]]',
  help: [
    '  --project FILE   the project to import into (created when missing)',
    '  --skip-bad       leave out sequences with unreadable files instead of importing nothing',
    '  --with-video     also transcode each depth sequence to an H.264 video (grayscale, near = bright,',
    "                   no reading = black) in <project>.media/depth/, as the recording's video stream",
    '  --jobs N         ffmpeg processes at once for --with-video (default 2 to 4, by CPU cores)',
    '',
    'The folder holds actions.tsv and Inertial/, Depth/, Skeleton/ with a{A}_s{S}_t{T}_*.mat files.',
    'Inertial samples are stored in the project; depth and skeleton files are referenced.',
    'Sequences already in the project are skipped; --with-video adds the videos they lack, reusing',
    'finished files of an interrupted run.',
  ].join('\n'),
  positionals: 1,
  options: { project: { type: 'string' }, 'skip-bad': { type: 'boolean' }, 'with-video': { type: 'boolean' }, jobs: { type: 'string' } },
  async run([dir], values, io, studio) {
    const videoJobs = optionalWhole(values, 'jobs', 1);
    const project = requireString(values, 'project');
    const report = await importInto(studio, io, project, () =>
      studio.call('import.utdMhad', { dir, skipBad: values['skip-bad'] === true, withVideo: values['with-video'] === true, videoJobs }),
    );
    io.out(`imported ${report.imported} recordings in ${report.seconds.toFixed(1)} s into ${project}`);
    if (report.videos) {
      const { made, reused, failed } = report.videos;
      io.out(`depth videos: ${made} made, ${reused} reused from an earlier run${failed.length ? `, ${failed.length} failed` : ''}`);
      for (const f of failed) io.out(`no video for ${f.name}: ${f.reason}`);
    }
    const known = report.knownMissing ?? [];
    const other = report.missing.filter((m) => !known.includes(m));
    if (known.length) io.out(`missing in the dataset (known): ${known.join(', ')}`);
    if (other.length) io.out(`missing files: ${other.join(', ')}`);
    const already = report.skipped.filter((s) => s.reason === 'already in the project');
    if (already.length) io.out(`skipped ${already.length} already in the project`);
    for (const s of report.skipped.filter((s) => !already.includes(s))) io.out(`skipped ${s.name}: ${s.reason}`);
  },
};
