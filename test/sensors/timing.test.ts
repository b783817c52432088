/**
 * Timing of sensor text files: the rate from a line fit and its jitter, and the time column of a
 * headerless file (ax ay az, then a unix time in seconds) found and never stored as a channel.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDelimited, type DelimitedOptions } from '../../main/sensors/delimited.ts';
import { tableSeconds } from '../../main/sensors/siblings.ts';
import { clockOf } from '../../main/sensors/timing.ts';
import { assertBadInput, close, seeded } from './assertions.ts';

const FILE = 'walk_s1_t1.txt';
const EPOCH = 1_700_000_123.25;

function parse(text: string, opts?: DelimitedOptions) {
  return parseDelimited(text, FILE, opts);
}

/** Times from steps, starting at `start`. */
function cumulative(steps: number[], start = 0): number[] {
  const times = [start];
  for (const step of steps) times.push(times[times.length - 1] + step);
  return times;
}

/** A headerless whitespace file: ax ay az in g (noisy, around gravity on z), then the given times. */
function headerless(times: number[], seed = 1, timeFirst = false): string {
  const random = seeded(seed);
  return times
    .map((t) => {
      const axes = [random() * 0.2 - 0.1, random() * 0.2 - 0.1, 0.95 + random() * 0.1].map((v) => v.toFixed(4));
      const stamp = t.toFixed(3);
      return (timeFirst ? [stamp, ...axes] : [...axes, stamp]).join(' ');
    })
    .join('\n');
}

/** 182 steps of 25 and 50 ms (52 of them) spread evenly: 5.825 s, a median step of 25 ms. */
function coarseSteps(): number[] {
  return Array.from({ length: 181 }, (_, i) => (Math.floor(((i + 1) * 52) / 181) > Math.floor((i * 52) / 181) ? 0.05 : 0.025));
}

describe('rate estimate', () => {
  it('takes the rate from a line fit, not the median step: 182 samples over 5.825 s are 31.1 Hz, not 40', () => {
    const steps = coarseSteps();
    assert.equal(steps.filter((s) => s === 0.05).length, 52);
    const table = parse(headerless(cumulative(steps, EPOCH)));
    assert.equal(table.rows, 182);
    assert.ok(Math.abs(table.rate - 31.1) < 0.1, `rate ${table.rate}`);
    assert.ok(Math.abs(tableSeconds(table) - 5.85) < 0.02, `length ${tableSeconds(table)} s`);
    assert.equal(table.regular, false, 'uneven steps keep their timestamps');
    // steps of 25 and 50 ms, 52 of 181 long: a standard deviation of 25 ms × √(p(1 − p))
    const p = 52 / 181;
    assert.ok(table.clock);
    assert.ok(Math.abs(table.clock.jitter - 0.025 * Math.sqrt(p * (1 - p))) < 1e-6, `jitter ${table.clock.jitter}`);
  });

  it('recovers the rate of a jittery clock to a small fraction of a hertz, with the jitter it had', () => {
    const random = seeded(7);
    const rate = 31.1;
    // each stamp off its tick by up to ±4 ms, uniformly, then rounded to the millisecond
    const times = Array.from({ length: 2000 }, (_, i) => Math.round((EPOCH + i / rate + (random() - 0.5) * 0.008) * 1000) / 1000);
    const table = parse(headerless(times, 3));
    assert.ok(Math.abs(table.rate - rate) < 0.01, `rate ${table.rate}`);
    // a step is the difference of two uniform offsets: σ = 8 ms / √6 ≈ 3.27 ms (plus the rounding)
    assert.ok(table.clock && Math.abs(table.clock.jitter - 0.008 / Math.sqrt(6)) < 0.0004, `jitter ${table.clock?.jitter}`);
    assert.ok(Math.abs(table.startTime - times[0]) < 1e-6);
  });

  it('is exact for a regular clock in whole milliseconds', () => {
    const clock = clockOf(
      Float64Array.from({ length: 50 }, (_, i) => 1_700_000_000_000 + 20 * i),
      undefined,
    );
    assert.equal(clock.rate, 50);
    assert.equal(clock.jitter, 0);
    assert.equal(clock.regular, true);
    assert.equal(clock.startTime, 1_700_000_000);
  });

  it('keeps irregular timestamps with a gap, the rate the samples the logger delivered', () => {
    const times = [...Array.from({ length: 100 }, (_, i) => i * 0.01), ...Array.from({ length: 100 }, (_, i) => 2 + i * 0.01)];
    const table = parse(`t,acc_x\n${times.map((t, i) => `${t.toFixed(2)},${(i % 7) / 10}`).join('\n')}\n`);
    assert.equal(table.regular, false);
    close(table.timestamps?.subarray(99, 101) ?? null, [0.99, 2]);
    // a gap tilts the fitted line: the rate is below the clock's 100 Hz, and the kept timestamps place the samples
    assert.ok(table.rate > 50 && table.rate < 100, `rate ${table.rate}`);
    assert.ok(table.clock && table.clock.jitter > 0.05, 'a 1 s gap is a large spread of the steps');
  });
});

describe('headerless time column', () => {
  const steps = coarseSteps();
  const times = cumulative(steps, EPOCH);

  it('finds a unix time in seconds after ax ay az and keeps it out of the channels', () => {
    const table = parse(headerless(times));
    assert.deepEqual(
      table.channels.map((c) => c.name),
      ['col0', 'col1', 'col2'],
    );
    assert.equal(table.data.length, 182 * 3);
    assert.ok(
      table.data.every((v) => Math.abs(v) < 2),
      'no timestamp among the values',
    );
    assert.equal(table.startTime, EPOCH);
    close(table.timestamps?.subarray(0, 3) ?? null, [0, 0.025, 0.05], 1e-6);
    assert.equal(table.clock?.column, 'col3');
  });

  it('with a rate, still keeps the timestamp out, and takes the start time from it', () => {
    const table = parse(headerless(times), { rate: 31 });
    assert.deepEqual(
      table.channels.map((c) => c.name),
      ['col0', 'col1', 'col2'],
    );
    assert.equal(table.rate, 31);
    assert.equal(table.timestamps, null);
    assert.equal(table.regular, true);
    assert.equal(table.startTime, EPOCH);
    assert.ok(table.clock && Math.abs(table.clock.rate - 31.1) < 0.1);
    assert.ok(!table.warnings.some((w) => /Hz/.test(w)), 'a rate the timestamps agree with is no warning');
  });

  it('warns when the given rate disagrees with the timestamps', () => {
    const table = parse(headerless(times), { rate: 40 });
    assert.equal(table.rate, 40);
    const warning = table.warnings.find((w) => /Hz/.test(w));
    assert.ok(warning, table.warnings.join('\n'));
    assert.match(warning, /^walk_s1_t1\.txt: the time column "col3" says 31\.\d\d Hz, not the given 40 Hz/);
  });

  it('takes units for the data columns only', () => {
    const table = parse(headerless(times), { units: ['g', 'g', 'g'] });
    assert.deepEqual(
      table.channels.map((c) => c.unit),
      ['g', 'g', 'g'],
    );
    assert.deepEqual(table.warnings, []);
  });

  it('finds the time in the first column too, in milliseconds by its step', () => {
    const table = parse(
      headerless(
        times.map((t) => Math.round(t * 1000)),
        2,
        true,
      ),
    );
    assert.deepEqual(
      table.channels.map((c) => c.name),
      ['col1', 'col2', 'col3'],
    );
    assert.equal(table.startTime, Math.round(EPOCH * 1000) / 1000);
    assert.ok(Math.abs(table.rate - 31.1) < 0.1, `rate ${table.rate}`);
  });

  it('does not take a column that rises only for a while', () => {
    // col0 rises for 20 rows, then falls; the time is the last column
    const rows = headerless(times)
      .split('\n')
      .map((row, i) => [i < 20 ? String(i / 100) : String(-i / 100), ...row.split(' ').slice(1)].join(' '));
    const table = parse(rows.join('\n'));
    assert.deepEqual(
      table.channels.map((c) => c.name),
      ['col0', 'col1', 'col2'],
    );
    assert.equal(table.clock?.column, 'col3');
    close(table.data.subarray(0, 1), [0]);
  });

  it('asks for a rate when no column rises on every row, and keeps every column with one', () => {
    const noisy = headerless(times)
      .split('\n')
      .map((row) => row.split(' ').slice(0, 3).join(' '))
      .join('\n');
    assertBadInput(FILE, () => parse(noisy), { line: 1, message: /no column increases on every row.*--rate <Hz> or --time-col/ });
    assert.deepEqual(
      parse(noisy, { rate: 31 }).channels.map((c) => c.name),
      ['col0', 'col1', 'col2'],
    );
  });

  it('needs 16 rows to call a rising column a clock', () => {
    const few = headerless(times.slice(0, 15));
    assertBadInput(FILE, () => parse(few), { line: 1, message: /at least 16 rows/ });
    assert.equal(parse(few, { rate: 31 }).channels.length, 4);
    assert.equal(parse(headerless(times.slice(0, 16))).channels.length, 3);
  });

  it('never takes a lone column for the time', () => {
    const single = times.map((t) => t.toFixed(3)).join('\n');
    assertBadInput(FILE, () => parse(single), { line: 1, message: /no header and a single column/ });
    const table = parse(single, { rate: 31 });
    assert.deepEqual(
      table.channels.map((c) => c.name),
      ['col0'],
    );
    assert.equal(table.clock, null);
  });

  it('looks for no time column when the columns are chosen', () => {
    assertBadInput(FILE, () => parse(headerless(times), { cols: [0, 1, 2] }), { line: 1, message: /no header.*cols/ });
    const table = parse(headerless(times), { cols: [0, 1, 2], rate: 31 });
    assert.deepEqual(
      table.channels.map((c) => c.name),
      ['col0', 'col1', 'col2'],
    );
    assert.equal(table.clock, null);
    const chosen = parse(headerless(times), { timeCol: 3 });
    assert.ok(Math.abs(chosen.rate - 31.1) < 0.1);
  });

  it('with a rate, a named time column that does not increase is only left out', () => {
    const table = parse('time,acc_x\n0,1\n5,2\n5,3\n', { rate: 50 });
    assert.equal(table.clock, null);
    assert.equal(table.startTime, 0);
    assert.deepEqual(
      table.channels.map((c) => c.name),
      ['acc_x'],
    );
    const garbled = parse('time,acc_x\nnever,1\n5,2\n6,3\n', { rate: 50 });
    assert.equal(garbled.clock, null);
  });
});
