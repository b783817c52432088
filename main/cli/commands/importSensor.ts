import { importSensorFile } from '../../sensors/importSensor.ts';
import { closeProject, openOrCreateProject } from '../../store/project.ts';
import { columnList, optionalNumber, requireString, UsageError, type Command } from '../command.ts';

export const importSensorCommand: Command = {
  path: ['import', 'sensor'],
  summary: 'import a CSV / TSV / text sensor file as a recording',
  usage: 'vskd import sensor <file> --project <file.vskd> [--rate HZ] [--time-col COL] [--cols A,B,C] [options]',
  help: [
    '  --project FILE      the project to import into (created when missing)',
    '  --rate HZ           the sampling rate, for files without a timestamp column',
    '  --time-col COL      the timestamp column (name or 0-based index); detected by name otherwise',
    '  --time-unit s|ms    the timestamps\' unit; detected otherwise (median step >= 0.5 means ms)',
    '  --cols A,B,C        the axes to keep (names or 0-based indices); default: every other column',
    '  --units U1,U2,...   the units of the kept axes (default g for acc*, deg/s for gyr*)',
    '  --delimiter D       the column separator (default: detected; "tab" or "space" for those)',
    '  --header | --no-header   whether the first row names the columns (default: detected)',
    '  --name NAME         the recording\'s name (default: the file name)',
    '  --label LABEL       the recording\'s action label',
    '  --subject S         the recording\'s subject',
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
  },
  async run([file], values, io) {
    const timeUnit = values['time-unit'];
    if (timeUnit !== undefined && timeUnit !== 's' && timeUnit !== 'ms') throw new UsageError('--time-unit is s or ms');
    const delimiter = values.delimiter === 'tab' ? '\t' : values.delimiter === 'space' ? ' ' : (values.delimiter as string | undefined);
    const timeCol = columnList(values['time-col'] as string | undefined)?.[0];
    const project = await openOrCreateProject(requireString(values, 'project'));
    try {
      const recording = await importSensorFile(project, file, {
        rate: optionalNumber(values, 'rate'),
        timeCol,
        timeUnit,
        cols: columnList(values.cols as string | undefined),
        units: (values.units as string | undefined)?.split(',').map((u) => u.trim()),
        delimiter,
        header: values.header ? true : values['no-header'] ? false : undefined,
        name: values.name as string | undefined,
        label: values.label as string | undefined,
        subject: values.subject as string | undefined,
      });
      const stream = recording.streams[0];
      io.out(
        `imported ${recording.name} (id ${recording.id}): ${stream.length} samples × ${stream.channels.length} channels ` +
          `(${stream.channels.map((c) => (c.unit ? `${c.name} [${c.unit}]` : c.name)).join(', ')}) at ${stream.rate.toFixed(3)} Hz` +
          `${stream.meta.regular === false ? ', irregular timestamps kept' : ''}`,
      );
    } finally {
      await closeProject(project);
    }
  },
};
