/** vskd recording set | delete: a recording's metadata, and removing it with everything it holds. */
import type { MethodResult } from '../../shared/contract.ts';
import { optionalString, optionalWhole, UsageError, type Command, type OptionValues } from '../command.ts';

type Recording = MethodResult<'recordings.find'>;

const describe = (r: Recording) => `${r.name} (id ${r.id}): label ${r.label ?? '—'}, subject ${r.subject ?? '—'}, trial ${r.trial ?? '—'}`;

/** "" clears a field; absent leaves it */
const cleared = (values: OptionValues, name: string) => {
  const value = optionalString(values, name);
  return value === undefined ? undefined : value.trim() === '' ? null : value;
};

export const recordingSetCommand: Command = {
  usage: 'vskd recording set <project.vskd> <recording> [--name NAME] [--label LABEL] [--subject S] [--trial N]',
  help: [
    '  --name NAME      a new name (unique in the project)',
    '  --label LABEL    the action label ("" clears it)',
    '  --subject S      the subject ("" clears it)',
    '  --trial N        the trial or session number ("" clears it)',
    '',
    '<recording> is a name or an id. Prints the recording before and after.',
  ].join('\n'),
  positionals: 2,
  options: { name: { type: 'string' }, label: { type: 'string' }, subject: { type: 'string' }, trial: { type: 'string' } },
  async run([file, ref], values, io, studio) {
    const trial = values.trial === '' ? null : optionalWhole(values, 'trial');
    const change = { name: optionalString(values, 'name'), label: cleared(values, 'label'), subject: cleared(values, 'subject'), trial };
    if (Object.values(change).every((v) => v === undefined)) throw new UsageError('give at least one of --name, --label, --subject, --trial');
    await studio.call('project.open', { path: file });
    const { id } = await studio.call('recordings.find', { ref });
    const { before, after } = await studio.call('recordings.update', { recordingId: id, ...change });
    io.out(`before  ${describe(before)}`);
    io.out(`after   ${describe(after)}`);
  },
};

export const recordingDeleteCommand: Command = {
  usage: 'vskd recording delete <project.vskd> <recording> [--yes]',
  help: [
    '  --yes   delete it; without, print what would go and store nothing',
    '',
    'A recording goes with its streams and samples, its alignment, its annotations and the media files',
    "the project made for it (in the project's media folder); datasets keep their other recordings.",
  ].join('\n'),
  positionals: 2,
  options: { yes: { type: 'boolean' } },
  async run([file, ref], values, io, studio) {
    await studio.call('project.open', { path: file });
    const { id } = await studio.call('recordings.find', { ref });
    const dryRun = values.yes !== true;
    const removal = await studio.call('recordings.delete', { recordingId: id, dryRun });
    const what = [
      `${removal.streams} stream(s) with ${removal.sensorSamples} sensor samples`,
      `${removal.annotations} annotation(s)`,
      removal.aligned ? 'its alignment' : 'no alignment',
      `${removal.mediaFiles.length} media file(s)`,
      `its place in ${removal.datasets} dataset(s)`,
    ].join(', ');
    io.out(`${dryRun ? 'would delete' : 'deleted'} ${describe(removal.recording)}: ${what}`);
    if (dryRun) io.out('nothing stored: add --yes to delete it');
  },
};
