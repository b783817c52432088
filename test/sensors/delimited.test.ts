import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StudioError } from '../../main/shared/errors.ts';
import { parseDelimited, readDelimitedFile, type DelimitedOptions } from '../../main/sensors/delimited.ts';
import { assertBadInput as assertBadInputIn, assertBadOption as assertBadOptionIn, close } from './assertions.ts';

const fixtures = fileURLToPath(new URL('../fixtures/sensors/', import.meta.url));
const FILE = 'rec.csv';

function parse(text: string, opts?: DelimitedOptions) {
  return parseDelimited(text, FILE, opts);
}

const assertBadInput = (fn: () => unknown, where?: { line?: number; field?: string; message?: RegExp }) => assertBadInputIn(FILE, fn, where);
const assertBadOption = (fn: () => unknown, field: string) => assertBadOptionIn(FILE, fn, field);

describe('parseDelimited: fixtures', () => {
  it('reads a phone CSV: comma, header, comments and blank lines, millisecond epoch timestamps', async () => {
    const table = await readDelimitedFile(join(fixtures, 'phone_acc_ms.csv'));
    assert.deepEqual(table.channels, [
      { name: 'acc_x', unit: 'g' },
      { name: 'acc_y', unit: 'g' },
      { name: 'acc_z', unit: 'g' },
    ]);
    assert.equal(table.rows, 6);
    assert.equal(table.data.length, 18);
    close(table.data.subarray(0, 6), [0.01, -0.02, 0.98, 0.02, -0.01, 0.99]);
    assert.deepEqual(Array.from(table.timestamps ?? []), [0, 0.01, 0.02, 0.03, 0.04, 0.05]);
    assert.equal(table.startTime, 1_700_000_000);
    assert.equal(table.rate, 100);
    assert.equal(table.regular, true);
    assert.equal(table.file, join(fixtures, 'phone_acc_ms.csv'));
  });

  it('reads a watch TSV: tab, time in seconds by its step, gyro units', async () => {
    const table = await readDelimitedFile(join(fixtures, 'watch.tsv'));
    assert.deepEqual(
      table.channels.map((c) => c.unit),
      ['deg/s', 'deg/s', 'deg/s'],
    );
    assert.equal(table.rows, 5);
    assert.equal(table.startTime, 12.5);
    close(table.timestamps, [0, 0.02, 0.04, 0.06, 0.08]);
    assert.ok(Math.abs(table.rate - 50) < 1e-6, String(table.rate));
    assert.equal(table.regular, true);
    close(table.data.subarray(12, 15), [1.9, -2.4, 1.25]);
  });

  it('reads a headerless whitespace text file at a given rate', async () => {
    const table = await readDelimitedFile(join(fixtures, 'headerless.txt'), { rate: 25 });
    assert.deepEqual(table.channels, [
      { name: 'col0', unit: '' },
      { name: 'col1', unit: '' },
      { name: 'col2', unit: '' },
    ]);
    assert.equal(table.rows, 4);
    assert.equal(table.timestamps, null);
    assert.equal(table.startTime, 0);
    assert.equal(table.rate, 25);
    assert.equal(table.regular, true);
    close(table.data.subarray(9), [0.13, -0.23, 1.01]);
  });

  it('takes a headerless time column by index', async () => {
    const table = await readDelimitedFile(join(fixtures, 'headerless.txt'), { timeCol: 0 });
    assert.deepEqual(
      table.channels.map((c) => c.name),
      ['col1', 'col2'],
    );
    close(table.timestamps, [0, 0.01, 0.02, 0.03]);
    assert.ok(Math.abs(table.startTime - 0.1) < 1e-12);
    assert.ok(Math.abs(table.rate - 100) < 1e-6);
  });

  it('keeps irregular timestamps (semicolon file) with the rate of a line fit', async () => {
    const table = await readDelimitedFile(join(fixtures, 'irregular.csv'));
    assert.equal(table.regular, false);
    close(table.timestamps, [0, 0.01, 0.021, 0.029, 0.04, 0.052]);
    // Σ(i - 2.5)·t = 179 ms over Σ(i - 2.5)² = 17.5: a step of 10.229 ms (the median step is 11 ms)
    assert.ok(Math.abs(table.rate - 1000 / (179 / 17.5)) < 1e-9, String(table.rate));
    assert.deepEqual(
      table.channels.map((c) => c.name),
      ['ax', 'ay', 'az'],
    );
  });
});

describe('parseDelimited: detection', () => {
  it('detects each delimiter', () => {
    for (const sep of [',', ';', '\t']) {
      const text =
        ['t', 'x', 'y'].join(sep) + '\n' + [0, 1, 2, 0.01, 3, 4, 0.02, 5, 6].map(String).reduce((rows, v, i) => rows + v + (i % 3 === 2 ? '\n' : sep), '');
      const table = parse(text);
      assert.deepEqual(
        table.channels.map((c) => c.name),
        ['x', 'y'],
        JSON.stringify(sep),
      );
      close(table.data, [1, 2, 3, 4, 5, 6]);
    }
    const spaced = parse('t   x  y\n0 1\t2\n0.01   3 4\n  0.02 5 6  \n');
    close(spaced.data, [1, 2, 3, 4, 5, 6]);
  });

  it('prefers the delimiter that is consistent on every row', () => {
    // commas inside quoted names do not count, and ';' is consistent where ',' is not
    const table = parse('"t";"x, raw";"y"\n0;1;2\n0.01;3;4\n0.02;5;6\n');
    assert.deepEqual(
      table.channels.map((c) => c.name),
      ['x, raw', 'y'],
    );
  });

  it('uses a given delimiter, by character or by name', () => {
    close(parse('t|x\n0|1\n0.01|2\n0.02|3\n', { delimiter: '|' }).data, [1, 2, 3]);
    close(parse('t\tx\n0\t1\n0.01\t2\n0.02\t3\n', { delimiter: 'tab' }).data, [1, 2, 3]);
    close(parse('t x\n0 1\n0.01 2\n0.02 3\n', { delimiter: 'whitespace' }).data, [1, 2, 3]);
  });

  it('detects a header only when the first row is not numeric', () => {
    const headerless = parse('0,1,2\n1,3,4\n2,5,6\n', { rate: 10 });
    assert.equal(headerless.rows, 3);
    assert.deepEqual(
      headerless.channels.map((c) => c.name),
      ['col0', 'col1', 'col2'],
    );
    const named = parse('a,b\n1,2\n3,4\n5,6\n', { rate: 10 });
    assert.equal(named.rows, 3);
    assert.deepEqual(
      named.channels.map((c) => c.name),
      ['a', 'b'],
    );
  });

  it('follows a given header flag', () => {
    const forced = parse('1,2\n3,4\n5,6\n7,8\n', { rate: 10, header: true });
    assert.deepEqual(
      forced.channels.map((c) => c.name),
      ['1', '2'],
    );
    assert.equal(forced.rows, 3);
    assertBadInput(() => parse('a,b\n1,2\n3,4\n', { rate: 10, header: false }), { line: 1, field: 'col0' });
  });

  it('accepts CRLF line ends and a UTF-8 BOM', () => {
    const table = parse('\uFEFFtime,acc_x\r\n0,1\r\n0.01,2\r\n0.02,3\r\n');
    assert.deepEqual(table.channels, [{ name: 'acc_x', unit: 'g' }]);
    close(table.data, [1, 2, 3]);
    close(table.timestamps, [0, 0.01, 0.02]);
  });

  it('recognises time column names, case-insensitively, wherever the column is', () => {
    const names = ['t', 'Time', 'TIMESTAMP', 'time_s', 'time_ms', 'seconds', 'ms', 'Time (s)', 'timestamp [ms]', 'elapsed_ms', 'ts', 'epoch'];
    for (const name of names) {
      const table = parse(`x,${name},y\n1,0,2\n3,10,4\n5,20,6\n`);
      assert.deepEqual(
        table.channels.map((c) => c.name),
        ['x', 'y'],
        name,
      );
      assert.ok(table.timestamps, name);
    }
    for (const name of ['acc_x', 'status', 'temperature']) {
      assertBadInput(() => parse(`${name},x\n0,1\n1,2\n2,3\n`), { line: 1, message: /--rate.*--time-col/ });
    }
  });

  it('reads the time unit from the column name before the step', () => {
    // a name saying seconds wins over the step rule (1 Hz would otherwise mean milliseconds)
    assert.equal(parse('time_s,x\n0,1\n1,2\n2,3\n').rate, 1);
    assert.equal(parse('time (s),x\n0,1\n1,2\n2,3\n').rate, 1);
    const ms = parse('time(ms),x\n0,1\n0.25,2\n0.5,3\n');
    assert.equal(ms.rate, 4000);
    close(ms.timestamps, [0, 0.00025, 0.0005], 1e-15);
    const ns = parse('timestamp_ns,x\n5000000000,1\n5010000000,2\n5020000000,3\n');
    assert.equal(ns.rate, 100);
    assert.equal(ns.startTime, 5);
  });

  it('decides seconds or milliseconds by the median step when the name does not say', () => {
    const ms = parse('time,x\n100,1\n110,2\n120,3\n');
    assert.equal(ms.rate, 100);
    assert.equal(ms.startTime, 0.1);
    close(ms.timestamps, [0, 0.01, 0.02]);
    const s = parse('time,x\n100,1\n100.01,2\n100.02,3\n');
    assert.ok(Math.abs(s.rate - 100) < 1e-6);
    assert.equal(s.startTime, 100);
    // the boundary: a median step of 0.5 is 2 kHz in milliseconds, not 2 Hz in seconds
    assert.equal(parse('t,x\n0,1\n0.5,2\n1,3\n').rate, 2000);
    assert.ok(Math.abs(parse('t,x\n0,1\n0.49,2\n0.98,3\n').rate - 1 / 0.49) < 1e-9);
  });

  it('follows a given time unit', () => {
    assert.equal(parse('time,x\n0,1\n1,2\n2,3\n', { timeUnit: 's' }).rate, 1);
    assert.equal(parse('time_s,x\n0,1\n0.01,2\n0.02,3\n', { timeUnit: 'ms' }).rate, 100_000);
  });

  it('takes the time column by name or index', () => {
    const byName = parse('a,b,c\n1,0,2\n3,10,4\n5,20,6\n', { timeCol: 'B' });
    assert.deepEqual(
      byName.channels.map((c) => c.name),
      ['a', 'c'],
    );
    close(byName.timestamps, [0, 0.01, 0.02]);
    const byIndex = parse('a,b,c\n1,0,2\n3,10,4\n5,20,6\n', { timeCol: 1 });
    assert.deepEqual(
      byIndex.channels.map((c) => c.name),
      ['a', 'c'],
    );
  });

  it('uses a given rate instead of a time column, leaving the time column out', () => {
    const table = parse('time,acc_x\n0,1\n5,2\n5,3\n', { rate: 50 });
    assert.equal(table.timestamps, null);
    assert.equal(table.rate, 50);
    assert.equal(table.regular, true);
    assert.deepEqual(
      table.channels.map((c) => c.name),
      ['acc_x'],
    );
  });

  it('reads numbers exactly as Number() does', () => {
    const cells = [
      '0.1',
      '-0.30000000000000004',
      '1e-7',
      '2.5E3',
      '123456789012345678',
      '9007199254740993',
      '0.000000000000000000000001',
      '3.14159265358979323846',
      '+.5',
      '5.',
      '-0',
      '0012.50',
    ];
    for (let i = 0; i < 200; i++) cells.push((Math.random() * 2000 - 1000).toFixed(i % 12), String(Math.random() * 10 ** ((i % 30) - 15)));
    const table = parse(`x\n${cells.join('\n')}\n`, { rate: 1 });
    cells.forEach((cell, i) => assert.ok(Object.is(table.data[i], Number(cell)), `${cell}: ${table.data[i]}`));
  });

  it('drops one delimiter that ends every line', () => {
    const table = parse('t,x,y,\n0,1,2,\n0.01,3,4,\n0.02,5,6,\n');
    assert.deepEqual(
      table.channels.map((c) => c.name),
      ['x', 'y'],
    );
    close(table.data, [1, 2, 3, 4, 5, 6]);
  });
});

describe('parseDelimited: columns and units', () => {
  const text = 'time,acc_x,acc_y,gyro_z,label,temp (C)\n0,1,2,3,walk,20\n0.01,4,5,6,walk,21\n0.02,7,8,9,run,22\n';

  it('chooses columns by name, in the order given', () => {
    const table = parse(text, { cols: ['gyro_z', 'acc_x'] });
    assert.deepEqual(table.channels, [
      { name: 'gyro_z', unit: 'deg/s' },
      { name: 'acc_x', unit: 'g' },
    ]);
    close(table.data, [3, 1, 6, 4, 9, 7]);
  });

  it('chooses columns by 0-based index or index text', () => {
    close(parse(text, { cols: [2, 1] }).data, [2, 1, 5, 4, 8, 7]);
    close(parse(text, { cols: ['2', 'ACC_X'] }).data, [2, 1, 5, 4, 8, 7]);
  });

  it('leaves text in columns that are not chosen', () => {
    assert.equal(parse(text, { cols: ['acc_x'] }).rows, 3);
    assertBadInput(() => parse(text), { line: 2, field: 'label', message: /"walk" is not a number/ });
  });

  it('defaults units from names and takes given ones', () => {
    const table = parse(text, { cols: ['acc_y', 'gyro_z', 'temp (C)'] });
    assert.deepEqual(
      table.channels.map((c) => c.unit),
      ['g', 'deg/s', 'C'],
    );
    const given = parse(text, { cols: ['acc_x', 'acc_y'], units: ['m/s^2', 'm/s^2'] });
    assert.deepEqual(
      given.channels.map((c) => c.unit),
      ['m/s^2', 'm/s^2'],
    );
  });
});

describe('parseDelimited: regular and irregular timing', () => {
  it('calls steps within 1% of the median regular', () => {
    const table = parse('t,x\n0,0\n0.01,0\n0.02005,0\n0.03,0\n0.0399,0\n');
    assert.equal(table.regular, true);
    assert.ok(Math.abs(table.rate - 100) < 1, String(table.rate));
  });

  it('calls a dropped sample irregular and keeps the timestamps', () => {
    const table = parse('t,x\n0,0\n10,0\n20,0\n40,0\n50,0\n');
    assert.equal(table.regular, false);
    // the fitted step, Σ(i - 2)·t / Σ(i - 2)² = 130 / 10 ms: the samples the logger delivered
    assert.equal(table.rate, 1000 / 13);
    close(table.timestamps, [0, 0.01, 0.02, 0.04, 0.05]);
  });
});

describe('parseDelimited: bad files', () => {
  it('rejects an empty file', () => {
    assertBadInput(() => parse(''), { message: /empty/ });
    assertBadInput(() => parse('\n  \r\n'), { message: /empty/ });
    assertBadInput(() => parse('# only a comment\n'), { message: /comment/ });
  });

  it('rejects a header without rows, and fewer rows than minRows', () => {
    assertBadInput(() => parse('# c\nt,x\n'), { line: 2, message: /no data rows/ });
    assertBadInput(() => parse('t,x\n0,1\n0.01,2\n'), { line: 3, message: /only 2 data rows; at least 3/ });
    assertBadInput(() => parse('t,x\n0,1\n0.01,2\n0.02,3\n', { minRows: 4 }), { line: 4, message: /at least 4/ });
  });

  it('rejects inconsistent column counts', () => {
    assertBadInput(() => parse('t,x,y\n0,1,2\n0.01,3\n0.02,5,6\n'), { line: 3, message: /2 columns but line 1 has 3/ });
    assertBadInput(() => parse('0 1 2\n0.01 3 4 5\n', { rate: 1 }), { line: 2, message: /4 columns/ });
  });

  it('rejects non-numeric and empty cells, naming the column', () => {
    assertBadInput(() => parse('t,x,y\n0,1,2\n0.01,abc,4\n0.02,5,6\n'), { line: 3, field: 'x', message: /"abc" is not a number/ });
    assertBadInput(() => parse('t;x\n0;1,5\n0.01;2\n0.02;3\n'), { line: 2, field: 'x', message: /decimal comma/ });
    assertBadInput(() => parse('t,x,y\n0,1,2\n0.01,,4\n0.02,5,6\n'), { line: 3, field: 'x', message: /is empty/ });
    assertBadInput(() => parse('t,x\n0,1\nzero,2\n0.02,3\n'), { line: 3, field: 't' });
  });

  it('rejects NaN and infinite values, literal or not', () => {
    for (const cell of ['NaN', 'nan', '-nan', 'inf', '-Inf', 'Infinity', '1e999']) {
      assertBadInput(() => parse(`t,x\n0,1\n0.01,${cell}\n0.02,3\n`), { line: 3, field: 'x', message: /NaN|infinite/ });
    }
    assertBadInput(() => parse('t,x\n0,1\nnan,2\n0.02,3\n'), { line: 3, field: 't', message: /NaN/ });
  });

  it('rejects decreasing and duplicated timestamps', () => {
    assertBadInput(() => parse('t,x\n0,1\n# gap\n0.02,2\n0.01,3\n'), { line: 5, message: /earlier than 0.02 on line 4/ });
    assertBadInput(() => parse('t,x\n0,1\n0.01,2\n0.01,3\n'), { line: 4, message: /duplicated/ });
  });

  it('rejects unknown columns, listing the available ones', () => {
    assertBadInput(() => parse('t,x,y\n0,1,2\n1,3,4\n2,5,6\n', { cols: ['x', 'z'] }), { line: 1, field: 'z', message: /available: 0: t, 1: x, 2: y/ });
    assertBadInput(() => parse('t,x,y\n0,1,2\n1,3,4\n2,5,6\n', { timeCol: 'time' }), { line: 1, field: 'time', message: /timeCol/ });
    assertBadInput(() => parse('# c\nt,x\n0,1\n1,3\n2,5\n', { cols: [5] }), { line: 2, field: '5', message: /2 columns/ });
  });

  it('asks for --rate or --time-col when there is no time', () => {
    assertBadInput(() => parse('1 2\n3 4\n5 6\n'), { line: 1, message: /--rate <Hz> or --time-col/ });
  });

  it('rejects a file with only a time column', () => {
    assertBadInput(() => parse('time\n0\n1\n2\n'), { line: 1, message: /no data columns/ });
  });

  it('rejects binary or UTF-16 text read as UTF-8', () => {
    assertBadInput(() => parse('t\0,\0x\0\n'), { message: /NUL/ });
  });
});

describe('parseDelimited: bad options', () => {
  const text = 't,x,y\n0,1,2\n0.01,3,4\n0.02,5,6\n';

  it('rejects a rate that is not positive and finite', () => {
    for (const rate of [0, -5, NaN, Infinity]) assertBadOption(() => parse('1 2\n3 4\n5 6\n', { rate }), 'rate');
  });

  it('rejects a rate together with a time column', () => {
    assertBadOption(() => parse(text, { rate: 10, timeCol: 't' }), 'rate');
  });

  it('rejects bad time units, delimiters, column refs, unit lists and minRows', () => {
    assertBadOption(() => parse(text, { timeUnit: 'us' as 's' }), 'timeUnit');
    assertBadOption(() => parse(text, { delimiter: '.' }), 'delimiter');
    assertBadOption(() => parse(text, { delimiter: 'ab' }), 'delimiter');
    assertBadOption(() => parse(text, { cols: [] }), 'cols');
    assertBadOption(() => parse(text, { cols: [-1] }), 'cols');
    assertBadOption(() => parse(text, { cols: ['x', 'X'] }), 'cols');
    assertBadOption(() => parse(text, { cols: ['t', 'x'] }), 'cols');
    assertBadOption(() => parse(text, { timeCol: 1.5 }), 'timeCol');
    assertBadOption(() => parse(text, { units: ['g'] }), 'units');
    assertBadOption(() => parse(text, { minRows: 1 }), 'minRows');
  });
});

describe('readDelimitedFile', () => {
  it('names the path of a missing, empty or unreadable file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vskd-delimited-'));
    try {
      const missing = join(dir, 'missing.csv');
      await assert.rejects(readDelimitedFile(missing), (err: unknown) => {
        assert.ok(err instanceof StudioError);
        assert.equal(err.code, 'NOT_FOUND');
        assert.ok(err.message.includes(missing));
        return true;
      });
      const empty = join(dir, 'empty.csv');
      await writeFile(empty, '');
      await assert.rejects(readDelimitedFile(empty), (err: unknown) => {
        assert.ok(err instanceof StudioError && err.code === 'BAD_INPUT' && err.message.startsWith(`${empty}: `) && /empty/.test(err.message));
        return true;
      });
      const folder = join(dir, 'folder.csv');
      await mkdir(folder);
      await assert.rejects(readDelimitedFile(folder), (err: unknown) => {
        assert.ok(err instanceof StudioError && err.code === 'BAD_INPUT' && err.message.startsWith(folder));
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('decodes UTF-16 files with a BOM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vskd-delimited-'));
    try {
      const path = join(dir, 'utf16.csv');
      const body = Buffer.from('t,acc_x\r\n0,1\r\n10,2\r\n20,3\r\n', 'utf16le');
      await writeFile(path, Buffer.concat([Buffer.from([0xff, 0xfe]), body]));
      const table = await readDelimitedFile(path);
      close(table.data, [1, 2, 3]);
      assert.equal(table.rate, 100);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
