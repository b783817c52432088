/**
 * Units of sensor channels: the default a column's name implies, the warning when a column has none,
 * and the values beyond a sensor's full scale (a spike no accelerometer range allows is a glitch or
 * a unit mix-up, worth a line in the import summary).
 */
import type { SensorChannel } from './delimited.ts';
import { clip } from './sensorText.ts';

const BRACKETED_UNIT = /[([]\s*([^()[\]]+?)\s*[)\]]\s*$/;
/** Name pattern → unit, tried in order on the lower-cased name (ax, gy_z, acc_x, gyro, mag_x, …). */
const NAME_UNITS: [RegExp, string][] = [
  [/acc|^a[_-]?[xyz]$/, 'g'],
  [/gyr|^g[_-]?[xyz]$/, 'deg/s'],
  [/magnet|^mag(?!nitude)|^m[_-]?[xyz]$/, 'uT'],
];
const GRAVITY = 9.80665;
/** Full scale per unit, the widest range common MEMS parts offer: ±16 g, ±2000 deg/s. */
export const DEFAULT_FULL_SCALE: Readonly<Record<string, number>> = {
  g: 16,
  'm/s^2': 16 * GRAVITY,
  'm/s2': 16 * GRAVITY,
  'm/s²': 16 * GRAVITY,
  'deg/s': 2000,
  dps: 2000,
  '°/s': 2000,
  'rad/s': (2000 * Math.PI) / 180,
};

/** The unit a column's name gives: a bracketed one ("acc_x (m/s^2)"), else by the name, else ''. */
export function defaultUnit(name: string): string {
  const bracketed = BRACKETED_UNIT.exec(name);
  if (bracketed) return bracketed[1];
  const lower = name.trim().toLowerCase();
  return NAME_UNITS.find(([pattern]) => pattern.test(lower))?.[1] ?? '';
}

/** One line naming the columns that have no unit, or nothing. */
export function missingUnitWarnings(file: string, channels: SensorChannel[]): string[] {
  const bare = channels.filter((c) => c.unit.trim() === '').map((c) => JSON.stringify(clip(c.name)));
  if (bare.length === 0) return [];
  const which = bare.length === 1 ? `column ${bare[0]} has` : `columns ${bare.join(', ')} have`;
  return [`${file}: ${which} no unit: give units (by name, acc* is g, gyr* deg/s, mag* uT)`];
}

/** The full scale of a unit: the given one (per unit, any case), else the default, else none. */
function fullScaleOf(unit: string, given: Record<string, number>): number | undefined {
  const key = unit.trim().toLowerCase();
  const find = (table: Readonly<Record<string, number>>) => Object.entries(table).find(([u]) => u.toLowerCase() === key)?.[1];
  return find(given) ?? find(DEFAULT_FULL_SCALE);
}

/**
 * One line per channel with values beyond its unit's full scale, naming the largest, its sample
 * and its time. `secondsAt(row)` is the sample's time from the first.
 */
export function fullScaleWarnings(
  file: string,
  channels: SensorChannel[],
  data: Float64Array,
  rows: number,
  fullScale: Record<string, number>,
  secondsAt: (row: number) => number,
): string[] {
  const width = channels.length;
  const warnings: string[] = [];
  channels.forEach((channel, k) => {
    const limit = fullScaleOf(channel.unit, fullScale);
    if (limit === undefined) return;
    let beyond = 0;
    let peakRow = -1;
    for (let row = 0; row < rows; row++) {
      const magnitude = Math.abs(data[row * width + k]);
      if (magnitude <= limit) continue;
      beyond++;
      if (peakRow < 0 || magnitude > Math.abs(data[peakRow * width + k])) peakRow = row;
    }
    if (beyond === 0) return;
    const peak = data[peakRow * width + k];
    warnings.push(
      `${file}: column ${JSON.stringify(clip(channel.name))} reaches ${Number(peak.toPrecision(4))} ${channel.unit} at sample ${peakRow} ` +
        `(${secondsAt(peakRow).toFixed(3)} s), beyond the full scale of ±${Number(limit.toPrecision(4))} ${channel.unit} ` +
        `(${beyond} value${beyond === 1 ? '' : 's'} beyond it)`,
    );
  });
  return warnings;
}
