import { optionalString, optionalWhole, requireString, type Command } from '../command.ts';
import { importInto } from '../importInto.ts';
import { sensorReadOptionHelp, sensorReadOptions, sensorReadOptionSpec } from '../sensorOptions.ts';

export const importSensorCommand: Command = {
  usage: 'vskd import sensor <file> --project <file.vskd> [--rate HZ] [--time-col COL] [--cols A,B,C] [options]',
  help: [
    '  --project FILE      the project to import into (created when missing)',
    ...sensorReadOptionHelp,
    "  --name NAME         the recording's name (default: the file name)",
    "  --label LABEL       the recording's action label",
    "  --subject S         the recording's subject",
    "  --trial N           the recording's trial (session) number",
    '',
    'Irregular timestamps are kept as they are; a uniform rate can be derived on demand.',
  ].join('\n'),
  positionals: 1,
  options: {
    project: { type: 'string' },
    ...sensorReadOptionSpec,
    name: { type: 'string' },
    label: { type: 'string' },
    subject: { type: 'string' },
    trial: { type: 'string' },
  },
  async run([file], values, io, studio) {
    const options = {
      ...sensorReadOptions(values),
      name: optionalString(values, 'name'),
      label: optionalString(values, 'label'),
      subject: optionalString(values, 'subject'),
      trial: optionalWhole(values, 'trial'),
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
