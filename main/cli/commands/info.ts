import type { Command } from '../command.ts';

export const infoCommand: Command = {
  usage: 'vskd info <project.vskd> [--json]',
  help: '  --json   print the summary as JSON',
  positionals: 1,
  options: { json: { type: 'boolean' } },
  async run([file], values, io, studio) {
    const summary = await studio.call('project.open', { path: file });
    if (values.json) return io.out(JSON.stringify(summary, null, 2));
    const labels = await studio.call('labels.list', {});
    const streams =
      Object.entries(summary.streams)
        .map(([kind, n]) => `${n} ${kind}`)
        .join(', ') || 'none';
    const names = labels.length
      ? `: ${labels
          .slice(0, 8)
          .map((l) => l.name)
          .join(', ')}${labels.length > 8 ? ', ...' : ''}`
      : '';
    io.out(`project      ${summary.path} (schema v${summary.schemaVersion})`);
    io.out(`recordings   ${summary.recordings} from ${summary.subjects} subject(s)`);
    io.out(`streams      ${streams}`);
    io.out(`samples      ${summary.sensorSamples} sensor rows`);
    io.out(`labels       ${summary.labels}${names}`);
    io.out(`aligned      ${summary.aligned}`);
    io.out(`annotations  ${summary.annotations}`);
    io.out(`datasets     ${summary.datasets}`);
    io.out(`runs         ${summary.runs}`);
  },
};
