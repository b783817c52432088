/**
 * The `vskd` command line: an in-process client of the studio's service (client.ts). The overview and
 * `--version` load no command; a command's module is imported when it runs or shows its help.
 */
import { parseArgs } from 'node:util';
import { StudioError } from '../shared/errors.ts';
import { createStudioClient } from './client.ts';
import { UsageError, type CliIO, type Command, type CommandEntry } from './command.ts';
import { version } from './version.ts';

const entry = (path: string[], summary: string, load: () => Promise<Command>): CommandEntry => ({ path, summary, load });

/** In the order of the work: get data in, look at it and align it, label it, train, export, check the machine. */
export const commands: CommandEntry[] = [
  entry(['import', 'utd-mhad'], 'import the UTD-MHAD dataset (one recording per sequence)', () =>
    import('./commands/importUtdMhad.ts').then((m) => m.importUtdMhadCommand),
  ),
  entry(['import', 'sensor'], 'import a CSV / TSV / text sensor file as a recording', () =>
    import('./commands/importSensor.ts').then((m) => m.importSensorCommand),
  ),
  entry(['import', 'session'], 'import your own session as one recording: a video and the sensor files of one or more wearables', () =>
    import('./commands/importSession.ts').then((m) => m.importSessionCommand),
  ),
  entry(['import', 'folder'], 'import a folder of your own recordings, pairing files by a filename pattern (--dry-run: the preview)', () =>
    import('./commands/importFolder.ts').then((m) => m.importFolderCommand),
  ),
  entry(['import', 'demo'], 'import a demo dataset made by `vskd demo-data` (one recording per clip)', () =>
    import('./commands/importDemo.ts').then((m) => m.importDemoCommand),
  ),
  entry(['demo-data'], 'generate the synthetic demo dataset (stick-figure videos + wrist accelerometer)', () =>
    import('./commands/demoData.ts').then((m) => m.demoDataCommand),
  ),
  entry(['info'], 'print what a project holds', () => import('./commands/info.ts').then((m) => m.infoCommand)),
  entry(['recording', 'set'], "change a recording's name, label, subject or trial", () => import('./commands/recording.ts').then((m) => m.recordingSetCommand)),
  entry(['recording', 'delete'], 'delete a recording with its streams, alignment, annotations and media', () =>
    import('./commands/recording.ts').then((m) => m.recordingDeleteCommand),
  ),
  entry(['gaf'], 'turn a 3-axis accelerometer recording into a 3×N×N Gramian Angular Field (.npy)', () =>
    import('./commands/gaf.ts').then((m) => m.gafCommand),
  ),
  entry(['frames'], 'sample K frames of a video (TSN/TRN segments) into a uint8 [K, H, W, C] .npy', () =>
    import('./commands/frames.ts').then((m) => m.framesCommand),
  ),
  entry(['sync'], "align a recording's sensor clock to its video (anchors, automatic, or by hand)", () =>
    import('./commands/sync.ts').then((m) => m.syncCommand),
  ),
  entry(['annotations', 'list'], "list the project's annotations (time segments with labels)", () =>
    import('./commands/annotations.ts').then((m) => m.annotationsListCommand),
  ),
  entry(['annotations', 'export'], 'write the annotations as CSV or ELAN (.eaf) files', () =>
    import('./commands/annotations.ts').then((m) => m.annotationsExportCommand),
  ),
  entry(['annotations', 'import'], 'add annotations from CSV or ELAN (.eaf) files, reporting conflicts instead of overwriting', () =>
    import('./commands/annotations.ts').then((m) => m.annotationsImportCommand),
  ),
  entry(['dataset', 'create'], "split the project's recordings into train / val / test by a protocol", () =>
    import('./commands/dataset.ts').then((m) => m.datasetCreateCommand),
  ),
  entry(['dataset', 'list'], "list the project's datasets and their split sizes", () => import('./commands/dataset.ts').then((m) => m.datasetListCommand)),
  entry(['train', 'teacher'], 'train the video teacher (per-frame encoder + multi-scale TRN over segments)', () =>
    import('./commands/train.ts').then((m) => m.trainTeacherCommand),
  ),
  entry(['train', 'student'], 'train the accelerometer student (ResNet18 on GAF images) with cross-entropy only: the baseline', () =>
    import('./commands/train.ts').then((m) => m.trainStudentCommand),
  ),
  entry(['distill'], 'distil a trained teacher into the accelerometer student (dask, st, at, sp, ablations)', () =>
    import('./commands/train.ts').then((m) => m.distillCommand),
  ),
  entry(['eval'], "print a run's test-set evaluation: accuracy, macro-F1, per-class recall, confusion matrix", () =>
    import('./commands/evaluation.ts').then((m) => m.evalCommand),
  ),
  entry(['report'], 'a Markdown table of the finished runs: mean ± std over seeds per method and protocol', () =>
    import('./commands/evaluation.ts').then((m) => m.reportCommand),
  ),
  entry(['demo'], 'run the whole pipeline on the demo dataset: teacher, baseline and DASK students, comparison table', () =>
    import('./commands/demo.ts').then((m) => m.demoCommand),
  ),
  entry(['export'], 'export a trained student for a device: ONNX (optionally float16 / int8) or a tfjs weights directory, with manifest and report', () =>
    import('./commands/export.ts').then((m) => m.exportCommand),
  ),
  entry(['export-dataset'], 'export a dataset as NumPy files per split (GAF images, raw sensor windows, video frames) with a manifest', () =>
    import('./commands/exportDataset.ts').then((m) => m.exportDatasetCommand),
  ),
  entry(['doctor'], 'check this machine: the ffmpeg in use and the training backends that work', () =>
    import('./commands/doctor.ts').then((m) => m.doctorCommand),
  ),
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

export function commandHelp(entry: CommandEntry, command: Command): string {
  return `${entry.summary}\n\nUsage: ${command.usage}\n\nOptions:\n${command.help}\n  --help   show this help`;
}

/** The command whose words start argv, longest match first. */
function findCommand(argv: string[]): CommandEntry | undefined {
  return commands.filter((c) => c.path.every((word, i) => argv[i] === word)).sort((a, b) => b.path.length - a.path.length)[0];
}

const defaultIO: CliIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  interactive: process.stderr.isTTY === true,
};

/** A reader that stops early (`vskd info P | head -3`) closes the pipe: the command then ends quietly, not with an EPIPE stack. */
function endQuietlyOnClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      process.exit(process.exitCode ?? 0);
    });
  }
}

/** An error's message as one line of at most maxMessageLength characters (a file's 30 MB line must not come back whole). */
export const maxMessageLength = 300;
export function oneLine(message: string): string {
  const line = message.replace(/\s*[\r\n]+\s*/g, ' ');
  return line.length <= maxMessageLength ? line : `${line.slice(0, maxMessageLength - 1)}…`;
}

export interface MainOptions {
  /** told of every call a command makes through the dispatcher (tests) */
  onCall?: (method: string) => void;
}

const isParseError = (err: unknown) => err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS');

/** Runs one command line; returns the exit code (0 ok, 1 failed, 2 misused). */
export async function main(argv: string[], io: CliIO = defaultIO, { onCall }: MainOptions = {}): Promise<number> {
  if (io === defaultIO) endQuietlyOnClosedPipes();
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    const topic = argv[0] === 'help' ? findCommand(argv.slice(1)) : undefined;
    io.out(topic ? commandHelp(topic, await topic.load()) : overview());
    return 0;
  }
  if (argv[0] === '--version') {
    io.out(version);
    return 0;
  }
  const entry = findCommand(argv);
  if (!entry) {
    const group = commands.filter((c) => c.path[0] === argv[0] && c.path.length > 1);
    io.err(group.length ? `vskd ${argv[0]}: which one? ${group.map((c) => c.path.join(' ')).join(', ')}` : `vskd: unknown command ${JSON.stringify(argv[0])}`);
    io.err('Run `vskd --help` for the list of commands.');
    return 2;
  }
  const name = `vskd ${entry.path.join(' ')}`;
  const command = await entry.load();
  const rest = argv.slice(entry.path.length);
  const studio = createStudioClient({ holder: name, onCall });
  try {
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(commandHelp(entry, command));
      return 0;
    }
    const { values, positionals } = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    if (positionals.length !== command.positionals) throw new UsageError(`expected ${command.positionals} argument(s), got ${positionals.length}`);
    await command.run(positionals, values, io, studio);
    return 0;
  } catch (err) {
    if (err instanceof UsageError || isParseError(err)) {
      io.err(oneLine(`${name}: ${(err as Error).message}`));
      io.err(`Usage: ${command.usage}`);
      return 2;
    }
    // one line: what went wrong and where (VSKD_DEBUG=1 adds the stack of an unexpected error)
    const stack = process.env.VSKD_DEBUG && err instanceof Error && !(err instanceof StudioError) ? `\n${err.stack}` : '';
    io.err(`${oneLine(`${name}: ${err instanceof Error ? err.message : String(err)}`)}${stack}`);
    return 1;
  } finally {
    await studio.close();
  }
}
