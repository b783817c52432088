import { StudioError } from '../../shared/errors.ts';
import { resolveFfmpeg, type FfmpegBinaries } from '../../media/ffmpeg.ts';
import { probeBackends } from '../../train/backendsAvailable.ts';
import type { Command } from '../command.ts';

export const doctorCommand: Command = {
  path: ['doctor'],
  summary: 'check this machine: the ffmpeg in use and the training backends that work',
  usage: 'vskd doctor [--json]',
  help: '  --json   print the findings as JSON',
  positionals: 0,
  options: { json: { type: 'boolean' } },
  async run(_positionals, values, io) {
    let ffmpeg: FfmpegBinaries | undefined;
    let ffmpegProblem = '';
    try {
      ffmpeg = await resolveFfmpeg();
    } catch (err) {
      ffmpegProblem = err instanceof Error ? err.message : String(err);
    }
    const backends = await probeBackends();

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
