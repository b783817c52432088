/** The `vskd` command line: the same domain code as the studio, without Electron. */
import { parseArgs } from 'node:util';
import { StudioError } from '../shared/errors.ts';
import type { Command, CliIO } from './command.ts';
import { UsageError } from './command.ts';
import { datasetCreateCommand, datasetListCommand } from './commands/dataset.ts';
import { demoCommand } from './commands/demo.ts';
import { gafCommand } from './commands/gaf.ts';
import { importSensorCommand } from './commands/importSensor.ts';
import { importUtdMhadCommand } from './commands/importUtdMhad.ts';
import { importDemoCommand } from './commands/importDemo.ts';
import { demoDataCommand } from './commands/demoData.ts';
import { info } from './commands/info.ts';
import { framesCommand } from './commands/frames.ts';
import { doctorCommand } from './commands/doctor.ts';
import { syncCommand } from './commands/sync.ts';
import { distillCommand, evalCommand, reportCommand, trainStudentCommand, trainTeacherCommand } from './commands/train.ts';
import { version } from './version.ts';
import { exportCommand } from './commands/export.ts';
import { exportDatasetCommand } from './commands/exportDataset.ts';
import { annotationsExportCommand, annotationsImportCommand, annotationsListCommand } from './commands/annotations.ts';

/** In the order of the work: get data in, look at it and align it, label it, train, export, check the machine. */
export const commands: Command[] = [
  importUtdMhadCommand,
  importSensorCommand,
  importDemoCommand,
  demoDataCommand,
  info,
  gafCommand,
  framesCommand,
  syncCommand,
  annotationsListCommand,
  annotationsExportCommand,
  annotationsImportCommand,
  datasetCreateCommand,
  datasetListCommand,
  trainTeacherCommand,
  trainStudentCommand,
  distillCommand,
  evalCommand,
  reportCommand,
  demoCommand,
  exportCommand,
  exportDatasetCommand,
  doctorCommand,
];

function overview(): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  return [
    'vskd: VSKD Studio on the command line',
    '',
    'Usage: vskd <command> [options]      vskd <command> --help',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.path.join(' ').padEnd(width)}   ${c.summary}`),
    '',
    '  --version   print the version',
  ].join('\n');
}

function commandHelp(command: Command): string {
  return `${command.summary}\n\nUsage: ${command.usage}\n\nOptions:\n${command.help}\n  --help   show this help`;
}

/** The command whose words start argv, longest match first. */
function findCommand(argv: string[]): Command | undefined {
  return commands
    .filter((c) => c.path.every((word, i) => argv[i] === word))
    .sort((a, b) => b.path.length - a.path.length)[0];
}

const defaultIO: CliIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  interactive: process.stderr.isTTY === true,
};

/** Runs one command line; returns the exit code (0 ok, 1 failed, 2 misused). */
export async function main(argv: string[], io: CliIO = defaultIO): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    const topic = argv[0] === 'help' ? findCommand(argv.slice(1)) : undefined;
    io.out(topic ? commandHelp(topic) : overview());
    return 0;
  }
  if (argv[0] === '--version') {
    io.out(version);
    return 0;
  }
  const command = findCommand(argv);
  if (!command) {
    const group = commands.filter((c) => c.path[0] === argv[0] && c.path.length > 1);
    io.err(group.length ? `vskd ${argv[0]}: which one? ${group.map((c) => c.path.join(' ')).join(', ')}` : `vskd: unknown command ${JSON.stringify(argv[0])}`);
    io.err('Run `vskd --help` for the list of commands.');
    return 2;
  }
  const rest = argv.slice(command.path.length);
  try {
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(commandHelp(command));
      return 0;
    }
    const { values, positionals } = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    if (positionals.length !== command.positionals) {
      throw new UsageError(`expected ${command.positionals} argument(s), got ${positionals.length}`);
    }
    await command.run(positionals, values, io);
    return 0;
  } catch (err) {
    if (err instanceof UsageError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
      io.err(`vskd ${command.path.join(' ')}: ${err.message}`);
      io.err(`Usage: ${command.usage}`);
      return 2;
    }
    io.err(`vskd ${command.path.join(' ')}: ${err instanceof StudioError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  }
}
