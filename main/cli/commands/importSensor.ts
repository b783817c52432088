import { columnList, oneOf, optionalNumber, optionalString, optionalWhole, requireString, UsageError, type Command } from '../command.ts';
import { importInto } from '../importInto.ts';

/** "g=8,deg/s=500" → { g: 8, 'deg/s': 500 } */
function fullScaleOption(value: string | undefined): Record<string, number> | undefined {
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

export const importSensorCommand: Command = {
  usage: 'vskd import sensor <file> --project <file.vskd> [--rate HZ] [--time-col COL] [--cols A,B,C] [options]',
  help: [
    '  --project FILE      the project to import into (created when missing)',
    '  --rate HZ           the sampling rate, for files without a timestamp column',
    '  --time-col COL      the timestamp column (name or 0-based index); detected otherwise',
    "  --time-unit s|ms    the timestamps' unit; detected otherwise (median step >= 0.5 means ms)",
    '  --cols A,B,C        the axes to keep (names or 0-based indices); default: every other column',
    '  --units U1,U2,...   the units of the kept axes (default g for acc*, deg/s for gyr*)',
    '  --delimiter D       the column separator (default: detected; "tab" or "space" for those)',
    '  --header | --no-header   whether the first row names the columns (default: detected)',
    "  --name NAME         the recording's name (default: the file name)",
    "  --label LABEL       the recording's action label",
    "  --subject S         the recording's subject",
    "  --trial N           the recording's trial (session) number",
    '  --full-scale U=X,...  the largest value per unit, e.g. g=8,deg/s=500 (default 16 g, 2000 deg/s); beyond is reported',
    '',
    'Irregular timestamps are kept as they are; a uniform rate can be derived on demand.',
  ].join('\n'),
  positionals: 1,
  options: {
    project: { type: 'string' },
    rate: { type: 'string' },
    'time-col': { type: 'string' },
    'time-unit': { type: 'string' },
    cols: { type: 'string' },
    units: { type: 'string' },
    delimiter: { type: 'string' },
    header: { type: 'boolean' },
    'no-header': { type: 'boolean' },
    name: { type: 'string' },
    label: { type: 'string' },
    subject: { type: 'string' },
    trial: { type: 'string' },
    'full-scale': { type: 'string' },
  },
  async run([file], values, io, studio) {
    const delimiter = { tab: '\t', space: ' ' }[String(values.delimiter)] ?? optionalString(values, 'delimiter');
    const options = {
      rate: optionalNumber(values, 'rate'),
      timeCol: columnList(optionalString(values, 'time-col'))?.[0],
      timeUnit: oneOf(values, 'time-unit', ['s', 'ms'] as const),
      cols: columnList(optionalString(values, 'cols')),
      units: optionalString(values, 'units')
        ?.split(',')
        .map((u) => u.trim()),
      delimiter,
      header: values.header ? true : values['no-header'] ? false : undefined,
      name: optionalString(values, 'name'),
      label: optionalString(values, 'label'),
      subject: optionalString(values, 'subject'),
      trial: optionalWhole(values, 'trial'),
      fullScale: fullScaleOption(optionalString(values, 'full-scale')),
    };
    const report = await importInto(studio, io, requireString(values, 'project'), () => studio.call('import.sensor', { file, options }));
    for (const { id } of report.recordings ?? []) {
      const recording = await studio.call('recordings.find', { ref: String(id) });
      const stream = recording.streams[0];
      io.out(
        `imported ${recording.name} (id ${recording.id}): ${stream.length} samples × ${stream.channels.length} channels ` +
          `(${stream.channels.map((c) => (c.unit ? `${c.name} [${c.unit}]` : c.name)).join(', ')}) at ${stream.rate.toFixed(3)} Hz` +
          `${stream.meta.regular === false ? ', irregular timestamps kept' : ''}`,
      );
    }
    for (const warning of report.warnings ?? []) io.err(`warning: ${warning}`);
  },
};
