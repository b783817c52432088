/** Units by column name, the warning for a column without one, and values beyond a full scale. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultUnit } from '../../main/sensors/channelUnits.ts';
import { parseDelimited, type DelimitedOptions } from '../../main/sensors/delimited.ts';
import { assertBadOption } from './assertions.ts';

const FILE = 'wrist.csv';

function parse(text: string, opts?: DelimitedOptions) {
  return parseDelimited(text, FILE, opts);
}

/** A 50 Hz file of the given columns, every value `base` except `spike` at row 7 of `column`. */
function csv(names: string[], base = 0.5, spike?: { column: number; value: number }): string {
  const rows = Array.from({ length: 20 }, (_, r) =>
    [(r / 50).toFixed(2), ...names.map((_, c) => String(spike && c === spike.column && r === 7 ? spike.value : base))].join(','),
  );
  return `t,${names.join(',')}\n${rows.join('\n')}\n`;
}

describe('units by name', () => {
  it('defaults accelerometer, gyroscope and magnetometer columns, short names too', () => {
    const cases: [string, string][] = [
      ['acc_x', 'g'],
      ['AccelY', 'g'],
      ['ax', 'g'],
      ['a_z', 'g'],
      ['gyro_x', 'deg/s'],
      ['GyrZ', 'deg/s'],
      ['gx', 'deg/s'],
      ['mag_x', 'uT'],
      ['magnetometer_y', 'uT'],
      ['mz', 'uT'],
      ['acc_x (m/s^2)', 'm/s^2'],
      ['temp [C]', 'C'],
      ['magnitude', ''],
      ['temp', ''],
      ['col0', ''],
      ['max', ''],
    ];
    for (const [name, unit] of cases) assert.equal(defaultUnit(name), unit, name);
  });

  it('warns once, naming the file and the columns left without a unit', () => {
    const table = parse(csv(['ax', 'temp', 'pressure']));
    assert.deepEqual(
      table.channels.map((c) => c.unit),
      ['g', '', ''],
    );
    assert.deepEqual(table.warnings, ['wrist.csv: columns "temp", "pressure" have no unit: give units (by name, acc* is g, gyr* deg/s, mag* uT)']);
    assert.match(parse(csv(['ax', 'temp'])).warnings[0], /^wrist\.csv: column "temp" has no unit/);
  });

  it('takes the units asked for, and warns for one given empty', () => {
    const table = parse(csv(['x', 'y']), { units: ['m/s^2', ' m/s^2 '] });
    assert.deepEqual(
      table.channels.map((c) => c.unit),
      ['m/s^2', 'm/s^2'],
    );
    assert.deepEqual(table.warnings, []);
    assert.match(parse(csv(['x', 'y']), { units: ['g', ''] }).warnings[0], /column "y" has no unit/);
  });
});

describe('full scale', () => {
  it('reports a 26.5 g spike on an accelerometer column, with its sample and time', () => {
    const table = parse(csv(['acc_x', 'acc_y'], 0.5, { column: 1, value: 26.5 }));
    assert.deepEqual(table.warnings, ['wrist.csv: column "acc_y" reaches 26.5 g at sample 7 (0.140 s), beyond the full scale of ±16 g (1 value beyond it)']);
    assert.equal(table.data[7 * 2 + 1], 26.5, 'the value is kept: a warning, not a change');
  });

  it('names the largest of several and counts them, negative ones too', () => {
    const text = csv(['acc_x'], 0.5)
      .replace(/\n0\.04,0\.5\n/, '\n0.04,-30\n')
      .replace(/\n0\.1,0\.5\n|\n0\.10,0\.5\n/, '\n0.10,17\n');
    const [warning] = parse(text).warnings;
    assert.match(warning, /reaches -30 g at sample 2 \(0\.040 s\).*\(2 values beyond it\)$/);
  });

  it('follows the full scale given per unit, in any case', () => {
    const text = csv(['acc_x'], 0.5, { column: 0, value: 10 });
    assert.deepEqual(parse(text).warnings, []);
    assert.match(parse(text, { fullScale: { G: 8 } }).warnings[0], /reaches 10 g .* full scale of ±8 g/);
    assert.deepEqual(parse(csv(['acc_x'], 0.5, { column: 0, value: 26.5 }), { fullScale: { g: 32 } }).warnings, []);
  });

  it('checks gyroscopes and m/s² by their defaults, and leaves units without a full scale alone', () => {
    assert.match(parse(csv(['gyr_z'], 1, { column: 0, value: -2500 })).warnings[0], /reaches -2500 deg\/s .*±2000 deg\/s/);
    assert.match(parse(csv(['x'], 1, { column: 0, value: 200 }), { units: ['m/s^2'] }).warnings[0], /reaches 200 m\/s\^2 .*±156\.9 m\/s\^2/);
    assert.deepEqual(parse(csv(['x'], 1, { column: 0, value: 1e6 }), { units: ['Pa'] }).warnings, []);
    assert.deepEqual(parse(csv(['x'], 1, { column: 0, value: 1e6 }), { units: ['Pa'], fullScale: { pa: 2e5 } }).warnings.length, 1);
  });

  it('times a spike by the rate when the rate was given', () => {
    const text = Array.from({ length: 10 }, (_, r) => `${r === 5 ? 20 : 1} 0`).join('\n');
    const table = parse(text, { rate: 10, units: ['g', 'g'] });
    assert.match(table.warnings[0], /column "col0" reaches 20 g at sample 5 \(0\.500 s\)/);
  });

  it('rejects a full scale that is not a positive number per unit', () => {
    const text = csv(['acc_x']);
    for (const fullScale of [{ g: 0 }, { g: -1 }, { g: Number.NaN }, { g: '8' }, [8], 8]) {
      assertBadOption(FILE, () => parse(text, { fullScale: fullScale as unknown as Record<string, number> }), 'fullScale');
    }
  });
});
