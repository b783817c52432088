/** How a sensor file is read, as `vskd import sensor`, `import session` and `import folder` take it on the command line. */
import { columnList, oneOf, optionalNumber, optionalString, UsageError, type OptionSpec, type OptionValues } from './command.ts';

/** the reading options of every sensor import */
export const sensorReadOptionSpec: OptionSpec = {
  rate: { type: 'string' },
  'time-col': { type: 'string' },
  'time-unit': { type: 'string' },
  cols: { type: 'string' },
  units: { type: 'string' },
  delimiter: { type: 'string' },
  header: { type: 'boolean' },
  'no-header': { type: 'boolean' },
  'full-scale': { type: 'string' },
};

export const sensorReadOptionHelp = [
  '  --rate HZ           the sampling rate, for sensor files without a timestamp column',
  '  --time-col COL      the timestamp column (name or 0-based index); detected otherwise',
  "  --time-unit s|ms    the timestamps' unit; detected otherwise",
  '  --cols A,B,C        the axes to keep (names or 0-based indices); default: every other column',
  '  --units U1,U2,...   the units of the kept axes (default g for acc*, deg/s for gyr*)',
  '  --delimiter D       the column separator (default: detected; "tab" or "space" for those)',
  '  --header | --no-header   whether the first row names the columns (default: detected)',
  '  --full-scale U=X,...  the largest value per unit, e.g. g=8,deg/s=500; beyond is reported',
];

/** "g=8,deg/s=500" → { g: 8, 'deg/s': 500 } */
function fullScale(value: string | undefined): Record<string, number> | undefined {
  if (value === undefined) return undefined;
  return Object.fromEntries(
    value.split(',').map((part) => {
      const [unit, limit] = part.split('=').map((s) => s.trim());
      const n = Number(limit);
      if (!unit || !limit || !(n > 0)) throw new UsageError(`--full-scale takes UNIT=LIMIT pairs, e.g. g=8,deg/s=500; got ${JSON.stringify(part)}`);
      return [unit, n];
    }),
  );
}

export function sensorReadOptions(values: OptionValues) {
  return {
    rate: optionalNumber(values, 'rate'),
    timeCol: columnList(optionalString(values, 'time-col'))?.[0],
    timeUnit: oneOf(values, 'time-unit', ['s', 'ms'] as const),
    cols: columnList(optionalString(values, 'cols')),
    units: optionalString(values, 'units')
      ?.split(',')
      .map((u) => u.trim()),
    delimiter: { tab: '\t', space: ' ' }[String(values.delimiter)] ?? optionalString(values, 'delimiter'),
    header: values.header ? true : values['no-header'] ? false : undefined,
    fullScale: fullScale(optionalString(values, 'full-scale')),
  };
}
