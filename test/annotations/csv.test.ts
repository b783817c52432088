import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvColumns, parseAnnotationsCsv, writeAnnotationsCsv } from '../../main/annotations/csv.ts';
import type { ExportedAnnotation } from '../../main/annotations/segments.ts';
import type { StudioError } from '../../main/shared/errors.ts';

function exported(over: Partial<ExportedAnnotation>): ExportedAnnotation {
  return {
    id: 1,
    recordingId: 1,
    recording: 'rec',
    labelId: 1,
    label: 'wave',
    start: 1,
    end: 2,
    timeBase: 'video',
    note: '',
    startVideo: 1,
    endVideo: 2,
    startSensor: 3.5,
    endSensor: 4.5,
    ...over,
  };
}

function badAt(line: number, pattern: RegExp, field?: string) {
  return (err: StudioError) => {
    assert.equal(err.code, 'BAD_INPUT', err.message);
    assert.equal(err.detail.file, 'in.csv');
    assert.equal(err.detail.line, line, `line of: ${err.message}`);
    if (field) assert.equal(err.detail.field, field, `field of: ${err.message}`);
    assert.match(err.message, pattern);
    return true;
  };
}

describe('annotation CSV', () => {
  it('writes every column and reads the same segments back, awkward text and full-precision times included', () => {
    const rows = [
      exported({ recording: 'take, "one"', label: 'wave', start: 0.1 + 0.2, end: 1 / 3, note: 'two\nlines' }),
      exported({ label: ' spaced', start: 4.000123456789, end: 5, timeBase: 'sensor', note: '  padded  ' }),
    ];
    const text = writeAnnotationsCsv(rows);
    assert.equal(text.split('\r\n')[0], csvColumns.join(','));
    assert.match(text, /^"take, ""one""",0\.30000000000000004,0\.3333333333333333,wave,video,1,2,3\.5,4\.5,"two\nlines"\r$/m);
    const back = parseAnnotationsCsv(text, 'in.csv');
    assert.deepEqual(
      back.map(({ recording, label, start, end, timeBase, note }) => ({ recording, label, start, end, timeBase, note })),
      [
        { recording: 'take, "one"', label: 'wave', start: 0.1 + 0.2, end: 1 / 3, timeBase: 'video', note: 'two\nlines' },
        { recording: 'rec', label: 'spaced', start: 4.000123456789, end: 5, timeBase: 'sensor', note: '  padded  ' },
      ],
    );
    assert.deepEqual(
      back.map((s) => s.source.line),
      [2, 4],
      'the second row starts after the two-line cell',
    );
  });

  it('reads hand-made files: any column order, extra columns, BOM, blank lines, one clock’s columns only', () => {
    const reordered = parseAnnotationsCsv('\uFEFFlabel,comment,end,recording,start,time_base\n\nclap,x,2.5,r1,1,\nclap,y,3,r1,2.5,SENSOR\n', 'in.csv');
    assert.deepEqual(
      reordered.map((s) => [s.label, s.start, s.end, s.timeBase, s.note, s.source.line]),
      [
        ['clap', 1, 2.5, 'video', '', 3],
        ['clap', 2.5, 3, 'sensor', '', 4],
      ],
    );
    const sensorOnly = parseAnnotationsCsv('recording,label,start_sensor,end_sensor\nr1,wave,7,8\n', 'in.csv');
    assert.deepEqual(
      sensorOnly.map((s) => [s.timeBase, s.start, s.end]),
      [['sensor', 7, 8]],
    );
  });

  it('names the file, line and column of what is wrong', () => {
    assert.throws(() => parseAnnotationsCsv('', 'in.csv'), badAt(1, /empty/));
    assert.throws(() => parseAnnotationsCsv('recording,start,end\nr,1,2\n', 'in.csv'), badAt(1, /no label column/, 'label'));
    assert.throws(() => parseAnnotationsCsv('recording,label,begin,finish\n', 'in.csv'), badAt(1, /start and end columns/));
    assert.throws(() => parseAnnotationsCsv('recording,label,start,end\nr,a,1,2\nr,a,one,2\n', 'in.csv'), badAt(3, /start: "one" is not a number/, 'start'));
    assert.throws(() => parseAnnotationsCsv('recording,label,start,end\nr,a,1\n', 'in.csv'), badAt(2, /3 cells where the header has 4/));
    assert.throws(() => parseAnnotationsCsv('recording,label,start,end\nr,,1,2\n', 'in.csv'), badAt(2, /label: empty/, 'label'));
    assert.throws(() => parseAnnotationsCsv('recording,label,start,end,time_base\nr,a,1,2,audio\n', 'in.csv'), badAt(2, /"audio" is neither/, 'time_base'));
    assert.throws(() => parseAnnotationsCsv('recording,label,start,end\nr,"a\n,1,2\n', 'in.csv'), badAt(2, /opened on line 2 is never closed/));
    assert.throws(() => parseAnnotationsCsv('recording,label,start,end\nr,a"b,1,2\n', 'in.csv'), badAt(2, /quote in the middle/));
    assert.throws(() => parseAnnotationsCsv('recording,label,start,end,start\n', 'in.csv'), badAt(1, /start appears twice/));
  });
});
