import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { exportAnnotations, importAnnotations } from '../../main/annotations/transfer.ts';
import { childNamed, parseXml } from '../../main/annotations/xml.ts';
import type { StudioError } from '../../main/shared/errors.ts';
import { createAnnotation, listAnnotations, type Annotation } from '../../main/store/annotations.ts';
import type { Database } from '../../main/store/db.ts';
import { createLabel, listLabels } from '../../main/store/labels.ts';
import { videoToSensor } from '../../main/shared/clockModel.ts';
import { tempDir } from '../helpers/tmp.ts';
import { annotatedProject, clockA } from './fixture.ts';

const dir = tempDir();
let n = 0;
const fresh = () => annotatedProject(dir, `t${n++}.vskd`);

/** A project with annotations on both clocks, with notes, and a label nothing uses. */
async function source() {
  const made = await fresh();
  const { db } = made.project;
  const wave = (await createLabel(db, { name: 'wave' })).id;
  const clap = (await createLabel(db, { name: 'clap, loud' })).id;
  await createLabel(db, { name: 'unused' });
  await createAnnotation(db, { recordingId: made.recA, labelId: wave, start: 1.0000001, end: 2.123456789 });
  await createAnnotation(db, { recordingId: made.recA, labelId: clap, start: 7.25, end: 9.5, timeBase: 'sensor', note: 'both "hands"\nfast' });
  await createAnnotation(db, { recordingId: made.recA, labelId: wave, start: 12, end: 13.5, timeBase: 'sensor' });
  await createAnnotation(db, { recordingId: made.recB, labelId: clap, start: 0.5, end: 3 });
  return made;
}

/** Annotations as they compare across projects: by recording and label name, not ids. */
async function comparable(db: Database) {
  const names = new Map((await db.all<{ id: number; name: string }>('SELECT id, name FROM recordings')).map((r) => [r.id, r.name]));
  return (await listAnnotations(db)).map(({ id: _id, labelId: _labelId, recordingId, ...rest }: Annotation) => ({
    recording: names.get(recordingId),
    ...rest,
  }));
}

function rejectsWith(code: string, pattern: RegExp, detail: { file?: string; line?: number } = {}) {
  return (err: StudioError) => {
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    if (detail.file) assert.equal(err.detail.file, detail.file, `file of: ${err.message}`);
    if (detail.line) assert.equal(err.detail.line, detail.line, `line of: ${err.message}`);
    return true;
  };
}

describe('annotation export and import', () => {
  it('round-trips through CSV into a fresh project: identical annotations, labels created', async () => {
    const { project } = await source();
    const file = join(dir, 'round.csv');
    const exported = await exportAnnotations(project.db, { format: 'csv', path: file });
    assert.deepEqual([exported.recordings, exported.annotations, exported.files], [2, 4, [file]]);
    // a video-clock row's sensor columns go through rec_a's clock model
    const [first] = readFileSync(file, 'utf8')
      .split('\r\n')
      .slice(1)
      .map((line) => line.split(','));
    assert.deepEqual(first.slice(0, 9).map(String), [
      'rec_a',
      '1.0000001',
      '2.123456789',
      'wave',
      'video',
      '1.0000001',
      '2.123456789',
      String(videoToSensor(clockA, 1.0000001)),
      String(videoToSensor(clockA, 2.123456789)),
    ]);

    const target = (await fresh()).project;
    const report = await importAnnotations(target.db, { path: file });
    assert.deepEqual([report.added, report.skippedDuplicates, report.conflicts.length, report.labelsCreated], [4, 0, 0, ['wave', 'clap, loud']]);
    assert.deepEqual(await comparable(target.db), await comparable(project.db));
  });

  it('round-trips through ELAN files, one per recording, into a fresh project', async () => {
    const { project } = await source();
    const out = join(dir, 'eaf-round');
    const exported = await exportAnnotations(project.db, { format: 'eaf', path: out });
    assert.deepEqual(readdirSync(out).sort(), ['rec_a.eaf', 'rec_b.eaf']);
    assert.equal(exported.files.length, 2);
    const recA = parseXml(readFileSync(join(out, 'rec_a.eaf'), 'utf8'), 'rec_a.eaf');
    assert.equal(childNamed(childNamed(recA, 'HEADER')!, 'MEDIA_DESCRIPTOR')?.attributes.MEDIA_URL, 'file:///data/videos/rec_a%20take.mp4');
    const recB = parseXml(readFileSync(join(out, 'rec_b.eaf'), 'utf8'), 'rec_b.eaf');
    assert.equal(childNamed(childNamed(recB, 'HEADER')!, 'MEDIA_DESCRIPTOR'), undefined, 'rec_b has no video to link');

    const target = (await fresh()).project;
    const report = await importAnnotations(target.db, { path: out });
    assert.deepEqual([report.added, report.skippedDuplicates, report.conflicts.length], [4, 0, 0]);
    assert.deepEqual(await comparable(target.db), await comparable(project.db));
    // again: everything is already there
    const again = await importAnnotations(target.db, { path: out });
    assert.deepEqual([again.added, again.skippedDuplicates, again.conflicts.length, again.labelsCreated], [0, 4, 0, []]);
  });

  it('writes a single .eaf for one recording, and refuses one file for several', async () => {
    const { project, recB } = await source();
    const file = join(dir, 'only-b.eaf');
    const report = await exportAnnotations(project.db, { format: 'eaf', path: file, recordingIds: [recB] });
    assert.deepEqual([report.files, report.annotations], [[file], 1]);
    await assert.rejects(exportAnnotations(project.db, { format: 'eaf', path: join(dir, 'both.eaf') }), rejectsWith('INVALID_ARGUMENT', /2 recordings/));
    await assert.rejects(exportAnnotations(project.db, { format: 'csv', path: dir }), rejectsWith('INVALID_ARGUMENT', /is a folder/));
    await assert.rejects(exportAnnotations(project.db, { format: 'csv', path: join(dir, 'x.csv'), recordingIds: [99] }), rejectsWith('NOT_FOUND', /99/));
  });

  it('refuses to replace an existing file unless forced, writing none of an ELAN folder', async () => {
    const { project } = await source();
    const csv = join(dir, 'kept.csv');
    writeFileSync(csv, 'mine');
    await assert.rejects(
      exportAnnotations(project.db, { format: 'csv', path: csv }),
      rejectsWith('CONFLICT', /kept\.csv: a file already exists there; export with force/, { file: csv }),
    );
    assert.equal(readFileSync(csv, 'utf8'), 'mine');
    await exportAnnotations(project.db, { format: 'csv', path: csv, force: true });
    assert.match(readFileSync(csv, 'utf8'), /^recording,/);

    const out = join(dir, 'eaf-kept');
    await exportAnnotations(project.db, { format: 'eaf', path: out });
    rmSync(join(out, 'rec_a.eaf'));
    writeFileSync(join(out, 'rec_b.eaf'), 'mine');
    await assert.rejects(exportAnnotations(project.db, { format: 'eaf', path: out }), rejectsWith('CONFLICT', /rec_b\.eaf: a file already exists/));
    assert.deepEqual(readdirSync(out), ['rec_b.eaf'], 'rec_a.eaf was not written either');
    assert.equal(readFileSync(join(out, 'rec_b.eaf'), 'utf8'), 'mine');
    await exportAnnotations(project.db, { format: 'eaf', path: out, force: true });
    assert.deepEqual(readdirSync(out).sort(), ['rec_a.eaf', 'rec_b.eaf']);
  });

  it('reports conflicts and duplicates instead of overwriting; a dry run stores nothing', async () => {
    const { project, recA } = await fresh();
    const { db } = project;
    const wave = (await createLabel(db, { name: 'wave' })).id;
    const stored = await createAnnotation(db, { recordingId: recA, labelId: wave, start: 1, end: 2 });
    const file = join(dir, 'conflicts.csv');
    writeFileSync(
      file,
      [
        'recording,label,start,end',
        'rec_a,clap,1.5,2.5', // overlaps the stored wave
        'rec_a,wave,1.0004,2', // the stored wave, to ELAN's millisecond
        'rec_a,clap,3,4',
        'rec_a,clap,3.5,4.5', // overlaps a clap: same label, added
        'rec_a,jump,3.2,3.8', // overlaps the clap added two lines up
        'rec_a,jump,2,3', // touches the stored wave: no overlap
      ].join('\n'),
    );
    const dry = await importAnnotations(db, { path: file, dryRun: true });
    assert.deepEqual([dry.dryRun, dry.added, dry.skippedDuplicates, dry.labelsCreated], [true, 3, 1, ['clap', 'jump']]);
    assert.deepEqual(
      (await listAnnotations(db)).map((a) => a.id),
      [stored.id],
      'a dry run adds nothing',
    );
    assert.deepEqual(
      (await listLabels(db)).map((l) => l.name),
      ['wave'],
      'a dry run creates no label',
    );

    const report = await importAnnotations(db, { path: file });
    assert.deepEqual({ ...report, conflicts: [] }, { ...dry, dryRun: false, conflicts: [] });
    assert.deepEqual(
      report.conflicts.map((c) => [c.source.line, c.label, c.existing.id, c.existing.label, c.existing.source?.line]),
      [
        [2, 'clap', stored.id, 'wave', undefined],
        [6, 'jump', null, 'clap', 4],
      ],
    );
    assert.deepEqual(
      (await listAnnotations(db)).map((a) => [a.label, a.start, a.end]),
      [
        ['wave', 1, 2],
        ['jump', 2, 3],
        ['clap', 3, 4],
        ['clap', 3.5, 4.5],
      ],
    );
  });

  it('stores nothing when any file is bad or names an unknown recording', async () => {
    const { project } = await fresh();
    const { db } = project;
    const folder = join(dir, 'mixed');
    const good = 'recording,label,start,end\nrec_a,wave,1,2\n';
    writeFileSync(join(dir, 'unknown.csv'), `${good}rec_z,wave,1,2\n`);
    await assert.rejects(
      importAnnotations(db, { path: join(dir, 'unknown.csv') }),
      rejectsWith('NOT_FOUND', /unknown\.csv:3: no recording named rec_z/, { line: 3 }),
    );
    writeFileSync(join(dir, 'late.csv'), `${good}rec_a,wave,10,45\n`);
    await assert.rejects(
      importAnnotations(db, { path: join(dir, 'late.csv') }),
      rejectsWith('BAD_INPUT', /late\.csv:3: end \(45 s\) is past the end of recording rec_a/, { line: 3 }),
    );
    await exportAnnotations(db, { format: 'eaf', path: folder });
    writeFileSync(join(folder, 'a-good.csv'), good);
    writeFileSync(join(folder, 'broken.eaf'), '<ANNOTATION_DOCUMENT>\n<HEADER>\n');
    await assert.rejects(
      importAnnotations(db, { path: folder }),
      rejectsWith('BAD_INPUT', /broken\.eaf: malformed XML: never closed/, { file: join(folder, 'broken.eaf') }),
    );
    await assert.rejects(importAnnotations(db, { path: join(dir, 'nowhere.csv') }), rejectsWith('NOT_FOUND', /no such file/));
    writeFileSync(join(dir, 'stray.eaf'), readFileSync(join(folder, 'rec_b.eaf'), 'utf8').replace(/vskd:recording">rec_b/, 'vskd:recording">gone'));
    await assert.rejects(importAnnotations(db, { path: join(dir, 'stray.eaf') }), rejectsWith('NOT_FOUND', /no recording named "gone" or "stray"/));
    assert.equal((await listAnnotations(db)).length, 0);
    assert.equal((await listLabels(db)).length, 0);
  });
});
