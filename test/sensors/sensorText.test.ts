/**
 * Sensor text within bounds: undecodable bytes refused at the byte, strict numbers, and the size,
 * line, row and column limits, each named in its error, which quotes at most ~80 characters.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDelimited, readDelimitedFile, type DelimitedOptions } from '../../main/sensors/delimited.ts';
import { decodeSensorText, SENSOR_TEXT_LIMITS } from '../../main/sensors/sensorText.ts';
import { assertBadInput, assertBadInputAsync, assertBadOption, close } from './assertions.ts';

const FILE = 'rec.csv';
const dir = mkdtempSync(join(tmpdir(), 'vskd-sensor-text-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function parse(text: string, opts?: DelimitedOptions) {
  return parseDelimited(text, FILE, opts);
}

function fileWith(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('text encoding', () => {
  it('refuses a Latin-1 header at its first byte, naming the line and offset', async () => {
    // "temp_°C" in Latin-1: ° is the single byte 0xB0
    const path = fileWith('latin1.csv', Buffer.from('t,temp_\xB0C\n0,20\n1,21\n2,22\n', 'latin1'));
    const err = await assertBadInputAsync(path, readDelimitedFile(path), { line: 1 });
    assert.equal(err.message, `${path}:1: not UTF-8 text (byte 0xB0 at offset 7): save it as UTF-8`);
  });

  it('refuses Latin-1 in the body on its own line', async () => {
    const path = fileWith('latin1-body.csv', Buffer.from('t,x\n0,1\n# r\xE9sum\xE9\n1,2\n2,3\n', 'latin1'));
    const err = await assertBadInputAsync(path, readDelimitedFile(path), { line: 3 });
    assert.match(err.message, /byte 0xE9 at offset 11/);
  });

  it('refuses overlong forms, surrogates, stray continuation bytes and a sequence cut off at the end', () => {
    const cases: [number[], number][] = [
      [[0x61, 0xc0, 0x80], 1], // overlong NUL
      [[0x61, 0xe0, 0x80, 0x80], 1], // overlong three-byte
      [[0x61, 0x62, 0xed, 0xa0, 0x80], 2], // a UTF-16 surrogate
      [[0x80, 0x61], 0], // a continuation byte with no lead
      [[0x61, 0xf4, 0x90, 0x80, 0x80], 1], // past U+10FFFF
      [[0x61, 0x62, 0x63, 0xe2, 0x82], 3], // cut off
    ];
    for (const [bytes, offset] of cases) {
      assertBadInput(FILE, () => decodeSensorText(FILE, Uint8Array.from(bytes)), { line: 1, message: new RegExp(`at offset ${offset}\\)`) });
    }
  });

  it('reads UTF-8 with multi-byte characters, BOM or not, and UTF-16 big-endian', async () => {
    const table = parse(decodeSensorText(FILE, Buffer.from('\uFEFFt,temp (°C),acc_x (m/s²)\n0,20,1\n1,21,2\n2,22,3\n', 'utf8')));
    assert.deepEqual(
      table.channels.map((c) => c.unit),
      ['°C', 'm/s²'],
    );
    const be = Buffer.from('t,acc_x\n0,1\n10,2\n20,3\n', 'utf16le').swap16();
    const path = fileWith('utf16be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
    close((await readDelimitedFile(path)).data, [1, 2, 3]);
    const odd = fileWith('utf16odd.csv', Buffer.from([0xff, 0xfe, 0x74, 0x00, 0x2c]));
    await assertBadInputAsync(odd, readDelimitedFile(odd), { message: /truncated UTF-16/ });
  });
});

describe('strict numbers', () => {
  it('refuses what Number() would read but a sensor does not write, naming line and column', () => {
    const cells: [string, RegExp][] = [
      ['0x1F', /"0x1F" is not a number \(hexadecimal/],
      ['0b101', /"0b101" is not a number \(hexadecimal, binary/],
      ['0o17', /"0o17" is not a number/],
      ['-0X10', /not a number/],
      ['1e', /"1e" is not a number/],
      ['1e+', /not a number/],
      ['Infinity', /is infinite \("Infinity"\)/],
      ['-infinity', /is infinite/],
      ['1e400', /is infinite/],
      ['""', /is empty/],
      ['1_000', /"1_000" is not a number/],
      ['\u00a012', /is not a number/],
      ['12\u00a0', /is not a number/],
      ['.', /"." is not a number/],
      ['+', /not a number/],
      ['1.2.3', /not a number/],
    ];
    for (const [cell, message] of cells) {
      assertBadInput(FILE, () => parse(`t,acc_x,acc_y\n0,1,2\n0.01,${cell},4\n0.02,5,6\n`), { line: 3, field: 'acc_x', message });
    }
    assertBadInput(FILE, () => parse('t,acc_x\n0,1\n0x10,2\n0.02,3\n'), { line: 3, field: 't', message: /hexadecimal/ });
    assertBadInput(FILE, () => parse('t,acc_x,acc_y\n0,1,2\n0.01,,4\n0.02,3,4\n'), { line: 3, field: 'acc_x', message: /is empty/ });
  });

  it('still reads every decimal form', () => {
    const cells = ['1', '-1', '+1', '1.', '.5', '-.5', '1e3', '1E-3', '+2.5e+2', '007', '0', '-0', '1.7e9'];
    const table = parse(`x\n${cells.join('\n')}\n`, { rate: 1 });
    cells.forEach((cell, i) => assert.ok(Object.is(table.data[i], Number(cell)), cell));
  });

  it('takes a first row of hexadecimal for a header, and then names the cell', () => {
    assertBadInput(FILE, () => parse('0x1,0x2\n0x3,0x4\n0x5,0x6\n', { rate: 10 }), { line: 2, field: '0x1', message: /hexadecimal/ });
  });
});

describe('limits', () => {
  it('refuses a 30 MB line with an error that quotes 80 characters of it', () => {
    const line = `${'1234567890,'.repeat(3_000_000)}1`;
    const err = assertBadInput(FILE, () => parse(`t,x\n${line}\n`), { line: 2, message: /over the limit of 1048576 \(maxLineLength\)/ });
    assert.ok(err.message.length < 300, `a ${err.message.length}-character message`);
    assert.ok(err.message.includes(`"${line.slice(0, 80)}…"`), err.message);
  });

  it('takes a configured line limit, also on comment lines', () => {
    assertBadInput(FILE, () => parse('t,x\n# a long comment line\n0,1\n1,2\n2,3\n', { maxLineLength: 10 }), {
      line: 2,
      message: /21 characters long, over the limit of 10 \(maxLineLength\); it starts "# a long comment line"$/,
    });
    assert.equal(parse('t,x\n0,1\n1,2\n2,3\n', { maxLineLength: 3 }).rows, 3);
  });

  it('quotes at most 80 characters of a cell, header name or column list', () => {
    const cell = 'z'.repeat(5_000_000);
    const err = assertBadInput(FILE, () => parse(`t,x\n0,1\n1,${cell}\n2,3\n`, { maxLineLength: 2 ** 24 }), { line: 3, field: 'x' });
    assert.ok(err.message.length < 200, `a ${err.message.length}-character message`);
    const names = Array.from({ length: 200 }, (_, i) => `channel_${'n'.repeat(100)}_${i}`);
    const wide = `${names.join(',')}\n${names.map(() => '1').join(',')}\n`;
    const missing = assertBadInput(FILE, () => parse(wide, { rate: 1, cols: ['nope'], minRows: 2 }), { line: 1, field: 'nope' });
    assert.match(missing.message, /and 180 more$/);
    assert.ok(missing.message.length < 20 * 90 + 200, `a ${missing.message.length}-character message`);
    const noTime = assertBadInput(FILE, () => parse(wide, { minRows: 2 }), { line: 1 });
    assert.ok(noTime.message.length < 20 * 90 + 300, `a ${noTime.message.length}-character message`);
  });

  it('refuses more rows than maxRows, naming the limit', () => {
    const text = `t,x\n${Array.from({ length: 10 }, (_, i) => `${i},${i}`).join('\n')}\n`;
    assertBadInput(FILE, () => parse(text, { maxRows: 5 }), { line: 7, message: /more than 5 data rows, the limit \(maxRows\)/ });
    assert.equal(parse(text, { maxRows: 10 }).rows, 10);
  });

  it('refuses more columns than maxColumns', () => {
    assertBadInput(FILE, () => parse('t,a,b,c,d\n0,1,2,3,4\n1,1,2,3,4\n2,1,2,3,4\n', { maxColumns: 4 }), {
      line: 1,
      message: /5 columns, over the limit of 4 \(maxColumns\)/,
    });
    const wide = Array.from({ length: SENSOR_TEXT_LIMITS.maxColumns + 1 }, (_, i) => String(i)).join(',');
    assertBadInput(FILE, () => parse(`${wide}\n${wide}\n${wide}\n`, { rate: 1 }), { line: 1, message: /maxColumns/ });
  });

  it('refuses a file larger than maxFileBytes before reading it', async () => {
    const path = fileWith('big.csv', `t,x\n${Array.from({ length: 100 }, (_, i) => `${i},${i}`).join('\n')}\n`);
    const err = await assertBadInputAsync(path, readDelimitedFile(path, { maxFileBytes: 100 }), {
      message: /over the limit of 100 bytes for a sensor file \(maxFileBytes\)$/,
    });
    assert.match(err.message, /: is \d+ bytes, over/);
    assert.equal((await readDelimitedFile(path, { maxFileBytes: 10_000 })).rows, 100);
  });

  it('refuses a pipe or a device instead of reading it for ever', async () => {
    const fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    await assertBadInputAsync(fifo, readDelimitedFile(fifo), { message: /not a regular file/ });
    await assertBadInputAsync('/dev/zero', readDelimitedFile('/dev/zero'), { message: /not a regular file/ });
  });

  it('rejects limits that are not whole numbers ≥ 1', () => {
    for (const [field, value] of [
      ['maxRows', 0],
      ['maxLineLength', 1.5],
      ['maxColumns', -1],
      ['maxFileBytes', Number.NaN],
    ] as const) {
      assertBadOption(FILE, () => parse('t,x\n0,1\n1,2\n2,3\n', { [field]: value }), field);
    }
  });
});
