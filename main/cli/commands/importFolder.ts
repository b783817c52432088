import type { MethodResult } from '../../shared/contract.ts';
import { optionalString, optionalWhole, requireString, UsageError, type CliIO, type Command } from '../command.ts';
import { importInto } from '../importInto.ts';
import { sensorReadOptionHelp, sensorReadOptions, sensorReadOptionSpec } from '../sensorOptions.ts';
import { printImportReport } from './importSession.ts';

/** "1=walk,2=run" → { '1': 'walk', '2': 'run' } */
function labelMap(value: string | undefined): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  return Object.fromEntries(
    value.split(',').map((part) => {
      const [code, name] = part.split('=').map((s) => s.trim());
      if (!code || !name) throw new UsageError(`--labels takes CODE=NAME pairs, e.g. 1=walk,2=run; got ${JSON.stringify(part)}`);
      return [code, name];
    }),
  );
}

function printPlan(io: CliIO, plan: MethodResult<'import.folder.preview'>): void {
  const c = plan.counts;
  io.out(
    `${plan.dir}: ${c.files} files → ${c.recordings} recordings (${c.new} new, ${c.existing} already in the project), ` +
      `${c.sensorFiles} sensor files, ${c.videos} videos (${c.proxies} need a proxy), ${c.unmatched} unmatched, ${c.failures} failures`,
  );
  for (const r of plan.recordings) {
    const about = [r.subject !== null && `subject ${r.subject}`, r.trial !== null && `trial ${r.trial}`, r.label !== null && `label ${r.label}`]
      .filter(Boolean)
      .join(', ');
    const files = [
      ...(r.video
        ? [`${r.video.file} (${r.video.codec} ${r.video.width}×${r.video.height}, ${r.video.duration.toFixed(1)} s${r.video.proxy ? ', proxy' : ''})`]
        : []),
      ...r.sensors.map((s) => `${s.stream}: ${s.file} (${s.rows} × ${s.channels} at ${s.rate.toFixed(1)} Hz, ${s.seconds.toFixed(1)} s)`),
    ];
    io.out(`  ${r.name}${about ? ` [${about}]` : ''}${r.exists ? ' already in the project' : `: ${files.join('; ')}`}`);
  }
  for (const file of plan.unmatched) io.out(`unmatched: ${file}`);
  for (const f of plan.failures) io.out(`failure: ${f.file}: ${f.reason}`);
  for (const warning of plan.warnings) io.out(`warning: ${warning}`);
}

export const importFolderCommand: Command = {
  usage: "vskd import folder <dir> --project <file.vskd> --pattern 'acc_{subject}_{label}_{trial}.txt' [--pattern ...] [--labels 1=walk,2=run] [--dry-run]",
  help: [
    '  --project FILE      the project to import into (created when missing; not by --dry-run)',
    "  --pattern P         a file name pattern, matched against each file's path under <dir>; repeat to pair",
    '                      kinds of files. Placeholders: {subject} {label} {trial} (digits) {name} {sensor}, and *',
    '                      (anything). Files whose {name}, {subject}, {label} and {trial} agree make one',
    "                      recording: --pattern '{name}.mp4' --pattern '{name}_{sensor}.csv'",
    '  --labels C=N,...    label codes → names, e.g. 1=walk,2=run (a code not listed is a failure)',
    "  --name TEMPLATE     the recordings' names, e.g. '{subject}-{label}-{trial}' (default: the first pattern's)",
    '  --dry-run           print what would be imported (recordings, unmatched files, failures, warnings), write nothing',
    '  --jobs N            ffmpeg processes at once for the proxy videos (default 2 to 4, by CPU cores)',
    ...sensorReadOptionHelp,
    '',
    'Recordings are stored in batches as they are read, then proxy videos are made for the videos Chromium',
    'cannot play. Recordings already in the project are skipped; importing again makes missing proxies.',
  ].join('\n'),
  positionals: 1,
  options: {
    project: { type: 'string' },
    pattern: { type: 'string', multiple: true },
    labels: { type: 'string' },
    name: { type: 'string' },
    'dry-run': { type: 'boolean' },
    jobs: { type: 'string' },
    ...sensorReadOptionSpec,
  },
  async run([dir], values, io, studio) {
    const patterns = (values.pattern ?? []) as string[];
    if (patterns.length === 0) throw new UsageError('--pattern is required');
    const project = requireString(values, 'project');
    const request = {
      dir,
      patterns,
      labels: labelMap(optionalString(values, 'labels')),
      name: optionalString(values, 'name'),
      options: sensorReadOptions(values),
    };
    if (values['dry-run']) {
      // a preview of a project that does not exist yet creates none: then nothing is in it already
      await studio.call('project.open', { path: project }).catch((err: unknown) => {
        if (!(err instanceof Error && 'code' in err && err.code === 'NOT_FOUND')) throw err;
      });
      printPlan(io, await studio.call('import.folder.preview', request));
      return;
    }
    const videoJobs = optionalWhole(values, 'jobs', 1);
    const report = await importInto(studio, io, project, () => studio.call('import.folder', { ...request, videoJobs }));
    printImportReport(io, project, report);
  },
};
