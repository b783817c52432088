import { annotationFormats, exportAnnotations, importAnnotations, type AnnotationFormat, type ImportConflict } from '../../annotations/transfer.ts';
import { describeSource } from '../../annotations/segments.ts';
import { StudioError } from '../../shared/errors.ts';
import { listAnnotations } from '../../store/annotations.ts';
import type { Queryable } from '../../store/db.ts';
import { closeProject, openProject } from '../../store/project.ts';
import { requireString, UsageError, type Command, type OptionValues } from '../command.ts';

/** By exact name first; a whole number that names no recording is taken as an id. */
async function recordingId(db: Queryable, ref: string): Promise<number> {
  const byName = await db.get<{ id: number }>('SELECT id FROM recordings WHERE name = ?', [ref]);
  const byId = byName ? undefined : /^\d+$/.test(ref) ? await db.get<{ id: number }>('SELECT id FROM recordings WHERE id = ?', [Number(ref)]) : undefined;
  const id = byName?.id ?? byId?.id;
  if (id === undefined) throw new StudioError('NOT_FOUND', `no recording named (or with id) ${ref} in the project`, { field: 'recording' });
  return id;
}

function formatOption(values: OptionValues, required: boolean): AnnotationFormat | undefined {
  const format = required ? requireString(values, 'format') : (values.format as string | undefined);
  if (format !== undefined && !(annotationFormats as readonly string[]).includes(format)) throw new UsageError(`--format is one of ${annotationFormats.join(', ')}`);
  return format as AnnotationFormat | undefined;
}

const seconds = (s: number) => s.toFixed(3);

export const annotationsListCommand: Command = {
  path: ['annotations', 'list'],
  summary: "list the project's annotations (time segments with labels)",
  usage: 'vskd annotations list <project.vskd> [--recording NAME] [--json]',
  help: [
    '  --recording NAME  only this recording\'s (a name or an id)',
    '  --json            print them as JSON, with the times on both clocks',
    '',
    'Times are seconds on the annotation\'s own clock (video or sensor); the video-time column maps',
    "sensor-clock ones through the recording's clock model.",
  ].join('\n'),
  positionals: 1,
  options: { recording: { type: 'string' }, json: { type: 'boolean' } },
  async run([file], values, io) {
    const project = await openProject(file);
    try {
      const ref = values.recording as string | undefined;
      const filter = ref === undefined ? {} : { recordingId: await recordingId(project.db, ref) };
      const annotations = await listAnnotations(project.db, filter);
      const names = new Map((await project.db.all<{ id: number; name: string }>('SELECT id, name FROM recordings')).map((r) => [r.id, r.name]));
      if (values.json) {
        io.out(JSON.stringify(annotations.map((a) => ({ recording: names.get(a.recordingId), ...a })), null, 2));
        return;
      }
      if (annotations.length === 0) {
        io.out('no annotations');
        return;
      }
      const width = Math.max(...annotations.map((a) => names.get(a.recordingId)!.length), 'recording'.length);
      io.out(`${'id'.padStart(6)}  ${'recording'.padEnd(width)}  ${'start'.padStart(9)}  ${'end'.padStart(9)}  clock   video time          label`);
      for (const a of annotations) {
        const video = a.timeBase === 'video' ? '' : `${seconds(a.startVideo)}–${seconds(a.endVideo)}`;
        io.out(
          `${String(a.id).padStart(6)}  ${names.get(a.recordingId)!.padEnd(width)}  ${seconds(a.start).padStart(9)}  ${seconds(a.end).padStart(9)}  ${a.timeBase.padEnd(6)}  ${video.padEnd(18)}  ${a.label}${a.note ? `  (${a.note.replace(/\s+/g, ' ')})` : ''}`,
        );
      }
    } finally {
      await closeProject(project);
    }
  },
};

export const annotationsExportCommand: Command = {
  path: ['annotations', 'export'],
  summary: 'write the annotations as CSV or ELAN (.eaf) files',
  usage: 'vskd annotations export <project.vskd> --format csv|eaf --out <file|dir> [--recording NAME ...]',
  help: [
    '  --format csv|eaf  csv: one file, a row per annotation, times on both clocks;',
    '                    eaf: one ELAN file per recording, linked to its video, times in ms of video time',
    '  --out PATH        csv: the file; eaf: a folder, or a .eaf file when one recording is exported',
    '  --recording NAME  export only this recording (a name or an id); repeat it for several',
  ].join('\n'),
  positionals: 1,
  options: { format: { type: 'string' }, out: { type: 'string' }, recording: { type: 'string', multiple: true } },
  async run([file], values, io) {
    const format = formatOption(values, true)!;
    const out = requireString(values, 'out');
    const project = await openProject(file);
    try {
      const refs = (values.recording as string[] | undefined) ?? [];
      const recordingIds = refs.length ? await Promise.all(refs.map((r) => recordingId(project.db, r))) : undefined;
      const report = await exportAnnotations(project.db, { format, path: out, recordingIds });
      const where = report.files.length === 1 ? report.files[0] : `${report.files.length} files in ${out}`;
      io.out(`exported ${report.annotations} annotation(s) of ${report.recordings} recording(s) to ${where}`);
    } finally {
      await closeProject(project);
    }
  },
};

function describeConflict(c: ImportConflict): string {
  const other = c.existing.id !== null ? `annotation ${c.existing.id}` : `${describeSource(c.existing.source!)} of this import`;
  return (
    `  ${describeSource(c.source)}: ${c.recording} ${c.label} ${seconds(c.start)}–${seconds(c.end)} s (${c.timeBase}) overlaps ` +
    `${other}, ${c.existing.label} ${seconds(c.existing.startVideo)}–${seconds(c.existing.endVideo)} s (video)`
  );
}

export const annotationsImportCommand: Command = {
  path: ['annotations', 'import'],
  summary: 'add annotations from CSV or ELAN (.eaf) files, reporting conflicts instead of overwriting',
  usage: 'vskd annotations import <project.vskd> <file|dir> [--format csv|eaf] [--dry-run] [--json]',
  help: [
    '  --format csv|eaf  the files\' format (default: from each file\'s extension; a folder gives all',
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
  async run([file, input], values, io) {
    const format = formatOption(values, false);
    const project = await openProject(file);
    try {
      const report = await importAnnotations(project.db, { path: input, format, dryRun: values['dry-run'] === true });
      if (values.json) {
        io.out(JSON.stringify(report, null, 2));
        return;
      }
      const verb = report.dryRun ? 'would add' : 'added';
      io.out(`${verb} ${report.added} annotation(s) from ${report.files.length} file(s); skipped ${report.skippedDuplicates} already present; ${report.conflicts.length} conflict(s)`);
      if (report.labelsCreated.length) io.out(`${report.dryRun ? 'would create' : 'created'} label(s): ${report.labelsCreated.join(', ')}`);
      if (report.conflicts.length) {
        io.out('conflicts (not added):');
        for (const conflict of report.conflicts) io.out(describeConflict(conflict));
      }
      if (report.dryRun) io.out('nothing stored (--dry-run)');
    } finally {
      await closeProject(project);
    }
  },
};
