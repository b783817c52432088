import { StudioError } from '../../shared/errors.ts';
import type { Command } from '../command.ts';

export const doctorCommand: Command = {
  usage: 'vskd doctor [--json]',
  help: '  --json   print the findings as JSON',
  positionals: 0,
  options: { json: { type: 'boolean' } },
  async run(_positionals, values, io, studio) {
    const { ffmpeg, ffmpegProblem, backends } = await studio.call('app.doctor', {});
    if (values.json) {
      io.out(JSON.stringify({ ffmpeg: ffmpeg ?? { error: ffmpegProblem }, backends }, null, 2));
    } else {
      if (ffmpeg) {
        io.out(`ffmpeg    ${ffmpeg.ffmpeg} (version ${ffmpeg.version})`);
        io.out(`ffprobe   ${ffmpeg.ffprobe} (version ${ffmpeg.ffprobeVersion})`);
        io.out(`source    ${ffmpeg.source}`);
      } else {
        io.out(`ffmpeg    unavailable: ${ffmpegProblem}`);
      }
      io.out('training backends:');
      const width = Math.max(...backends.map((b) => b.name.length));
      for (const b of backends) io.out(`  ${b.name.padEnd(width)}   ${b.available ? 'yes' : 'no '}   ${b.detail}`);
    }
    // video work cannot go on without ffmpeg: make that the exit status too
    if (!ffmpeg) throw new StudioError('UNAVAILABLE', `ffmpeg is missing (${ffmpegProblem})`);
  },
};
