import type { EventPayload } from '../../shared/contract.ts';
import { doneResult } from '../../shared/jobResult.ts';
import type { StudioClient } from '../client.ts';
import { jobFailure, oneOf, optionalString, progressBar, requireString, type CliIO, type Command, type OptionValues } from '../command.ts';

const annotationFormats = ['csv', 'eaf'] as const;
type Ended<K> = Extract<EventPayload<'job.ended'>, { kind: K }>;
type ImportReport = NonNullable<Ended<'import.annotations'>['result']>;
type Conflict = ImportReport['conflicts'][number];

/** The result of an annotation export or import job, once it is done. */
async function resultOf<K extends 'export.annotations' | 'import.annotations'>(studio: StudioClient, io: CliIO, kind: K, started: { job: string }) {
  const end = await studio.job(started.job, progressBar(io, kind === 'export.annotations' ? 'exporting' : 'reading'));
  return doneResult(end, kind, jobFailure);
}

/** "file:line" with the element when there is one. */
const describeSource = (source: Conflict['source']) => `${source.file}:${source.line}${source.element ? ` (${source.element})` : ''}`;

function formatOption(values: OptionValues, required: boolean) {
  if (required) requireString(values, 'format');
  return oneOf(values, 'format', annotationFormats);
}

const seconds = (s: number) => s.toFixed(3);

export const annotationsListCommand: Command = {
  usage: 'vskd annotations list <project.vskd> [--recording NAME] [--json]',
  help: [
    "  --recording NAME  only this recording's (a name or an id)",
    '  --json            print them as JSON, with the times on both clocks',
    '',
    "Times are seconds on the annotation's own clock (video or sensor); the video-time column maps",
    "sensor-clock ones through the recording's clock model.",
  ].join('\n'),
  positionals: 1,
  options: { recording: { type: 'string' }, json: { type: 'boolean' } },
  async run([file], values, io, studio) {
    await studio.call('project.open', { path: file });
    const ref = optionalString(values, 'recording');
    const recordings = ref === undefined ? await studio.call('recordings.list', {}) : [await studio.call('recordings.find', { ref })];
    const listed = await Promise.all(
      recordings.filter((r) => r.annotations > 0 || ref !== undefined).map((r) => studio.call('annotations.list', { recordingId: r.id })),
    );
    const names = new Map(recordings.map((r) => [r.id, r.name]));
    const annotations = listed.flatMap((l) => l.annotations);
    if (values.json)
      return io.out(
        JSON.stringify(
          annotations.map((a) => ({ recording: names.get(a.recordingId), ...a })),
          null,
          2,
        ),
      );
    if (annotations.length === 0) return io.out('no annotations');
    const width = Math.max(...annotations.map((a) => names.get(a.recordingId)!.length), 'recording'.length);
    io.out(`${'id'.padStart(6)}  ${'recording'.padEnd(width)}  ${'start'.padStart(9)}  ${'end'.padStart(9)}  clock   video time          label`);
    for (const a of annotations) {
      const video = a.timeBase === 'video' ? '' : `${seconds(a.startVideo)}–${seconds(a.endVideo)}`;
      const note = a.note ? `  (${a.note.replace(/\s+/g, ' ')})` : '';
      io.out(
        `${String(a.id).padStart(6)}  ${names.get(a.recordingId)!.padEnd(width)}  ${seconds(a.start).padStart(9)}  ${seconds(a.end).padStart(9)}  ${a.timeBase.padEnd(6)}  ${video.padEnd(18)}  ${a.label}${note}`,
      );
    }
  },
};

export const annotationsExportCommand: Command = {
  usage: 'vskd annotations export <project.vskd> --format csv|eaf --out <file|dir> [--recording NAME ...] [--force]',
  help: [
    '  --format csv|eaf  csv: one file, a row per annotation, times on both clocks;',
    '                    eaf: one ELAN file per recording, linked to its video, times in ms of video time',
    '  --out PATH        csv: the file; eaf: a folder, or a .eaf file when one recording is exported',
    '  --recording NAME  export only this recording (a name or an id); repeat it for several',
    '  --force           replace files that exist (without it, an existing file is refused and nothing is written)',
  ].join('\n'),
  positionals: 1,
  options: { format: { type: 'string' }, out: { type: 'string' }, recording: { type: 'string', multiple: true }, force: { type: 'boolean' } },
  async run([file], values, io, studio) {
    const format = formatOption(values, true)!;
    const out = requireString(values, 'out');
    await studio.call('project.open', { path: file });
    const refs = (values.recording as string[] | undefined) ?? [];
    const recordingIds = refs.length ? await Promise.all(refs.map(async (ref) => (await studio.call('recordings.find', { ref })).id)) : undefined;
    const report = await resultOf(
      studio,
      io,
      'export.annotations',
      await studio.call('annotations.export', { format, path: out, recordingIds, force: values.force === true }),
    );
    const where = report.files.length === 1 ? report.files[0] : `${report.files.length} files in ${out}`;
    io.out(`exported ${report.annotations} annotation(s) of ${report.recordings} recording(s) to ${where}`);
  },
};

function describeConflict(c: Conflict): string {
  const other = c.existing.id !== null ? `annotation ${c.existing.id}` : `${describeSource(c.existing.source!)} of this import`;
  return (
    `  ${describeSource(c.source)}: ${c.recording} ${c.label} ${seconds(c.start)}–${seconds(c.end)} s (${c.timeBase}) overlaps ` +
    `${other}, ${c.existing.label} ${seconds(c.existing.startVideo)}–${seconds(c.existing.endVideo)} s (video)`
  );
}

export const annotationsImportCommand: Command = {
  usage: 'vskd annotations import <project.vskd> <file|dir> [--format csv|eaf] [--dry-run] [--json]',
  help: [
    "  --format csv|eaf  the files' format (default: from each file's extension; a folder gives all",
    '                    its .csv and .eaf files, or only those of --format)',
    '  --dry-run         report what would be added, store nothing',
    '  --json            print the report as JSON',
    '',
    'Recordings and labels are matched by name; missing labels are created. A segment identical to',
    'one already there (same label, same times to 1 ms) is skipped; one overlapping a segment of',
    'another label is reported as a conflict and not added. The rest is added all at once.',
  ].join('\n'),
  positionals: 2,
  options: { format: { type: 'string' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } },
  async run([file, input], values, io, studio) {
    const format = formatOption(values, false);
    await studio.call('project.open', { path: file });
    const report = await resultOf(
      studio,
      io,
      'import.annotations',
      await studio.call('annotations.import', { path: input, format, dryRun: values['dry-run'] === true }),
    );
    if (values.json) return io.out(JSON.stringify(report, null, 2));
    const verb = report.dryRun ? 'would add' : 'added';
    io.out(
      `${verb} ${report.added} annotation(s) from ${report.files.length} file(s); skipped ${report.skippedDuplicates} already present; ${report.conflicts.length} conflict(s)`,
    );
    if (report.labelsCreated.length) io.out(`${report.dryRun ? 'would create' : 'created'} label(s): ${report.labelsCreated.join(', ')}`);
    if (report.conflicts.length) {
      io.out('conflicts (not added):');
      for (const conflict of report.conflicts) io.out(describeConflict(conflict));
    }
    if (report.dryRun) io.out('nothing stored (--dry-run)');
  },
};
