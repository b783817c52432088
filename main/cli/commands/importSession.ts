import { optionalString, optionalWhole, requireString, UsageError, type CliIO, type Command } from '../command.ts';
import { importInto, type ImportReport } from '../importInto.ts';
import { sensorReadOptionHelp, sensorReadOptions, sensorReadOptionSpec } from '../sensorOptions.ts';

/** What a session or folder import did, a line each: recordings, proxies, skips, warnings. */
export function printImportReport(io: CliIO, project: string, report: ImportReport): void {
  io.out(`imported ${report.imported} recording${report.imported === 1 ? '' : 's'} in ${report.seconds.toFixed(1)} s into ${project}`);
  if (report.videos && report.videos.made + report.videos.reused + report.videos.failed.length > 0) {
    const { made, reused, failed } = report.videos;
    io.out(`proxy videos: ${made} made, ${reused} reused from an earlier run${failed.length ? `, ${failed.length} failed` : ''}`);
    for (const f of failed) io.err(`no proxy video for ${f.name}: ${f.reason}`);
  }
  const already = report.skipped.filter((s) => s.reason === 'already in the project');
  if (already.length) io.out(`skipped ${already.length} already in the project`);
  for (const s of report.skipped.filter((s) => !already.includes(s))) io.err(`skipped ${s.name}: ${s.reason}`);
  for (const warning of report.warnings ?? []) io.err(`warning: ${warning}`);
}

/** "--sensor wrist=watch.csv" names the stream; "--sensor watch.csv" takes the file's name. */
function sensorArgument(value: string): { file: string; stream?: string } {
  const named = /^([A-Za-z][\w-]*)=(.+)$/.exec(value);
  return named ? { stream: named[1], file: named[2] } : { file: value };
}

export const importSessionCommand: Command = {
  usage: 'vskd import session --project <file.vskd> --name NAME [--video FILE] [--sensor [STREAM=]FILE ...] [--subject S] [--trial N] [--label L]',
  help: [
    '  --project FILE      the project to import into (created when missing)',
    "  --name NAME         the recording's name",
    '  --video FILE        a video (mp4, mov, mkv, avi, webm, …); one Chromium cannot play gets a proxy',
    '                      video (H.264 mp4) in <project>.media/proxy/; frames are decoded from the original',
    "  --sensor [STREAM=]FILE  a wearable's sensor file, as its own stream (default name: the file's); repeat",
    '                      for several wearables: --sensor wrist=watch.csv --sensor ankle=band.csv',
    "  --subject S         the recording's subject",
    "  --trial N           the recording's session or trial number",
    "  --label LABEL       the recording's action label",
    ...sensorReadOptionHelp,
    '',
    'Every file is read before anything is stored; importing the same files again only makes a missing proxy.',
  ].join('\n'),
  positionals: 0,
  options: {
    project: { type: 'string' },
    name: { type: 'string' },
    video: { type: 'string' },
    sensor: { type: 'string', multiple: true },
    subject: { type: 'string' },
    trial: { type: 'string' },
    label: { type: 'string' },
    ...sensorReadOptionSpec,
  },
  async run(_positionals, values, io, studio) {
    const name = requireString(values, 'name');
    const video = optionalString(values, 'video');
    const options = sensorReadOptions(values);
    const sensors = ((values.sensor ?? []) as string[]).map((value) => ({ ...sensorArgument(value), options }));
    if (!video && sensors.length === 0) throw new UsageError('give --video, --sensor, or both');
    const project = requireString(values, 'project');
    const args = {
      video,
      sensors,
      name,
      subject: optionalString(values, 'subject'),
      trial: optionalWhole(values, 'trial'),
      label: optionalString(values, 'label'),
    };
    const report = await importInto(studio, io, project, () => studio.call('import.session', args));
    printImportReport(io, project, report);
    for (const { id } of report.recordings ?? []) {
      const recording = await studio.call('recordings.find', { ref: String(id) });
      for (const stream of recording.streams) {
        const what =
          stream.kind === 'video'
            ? `${stream.meta.width}×${stream.meta.height} ${String(stream.meta.codec)}, ${stream.length} frames`
            : `${stream.length} samples × ${stream.channels.length}`;
        io.out(`  ${stream.kind} ${stream.name}: ${what} at ${stream.rate.toFixed(3)} Hz`);
      }
    }
  },
};
