import { openProject, closeProject } from '../../store/project.ts';
import { projectSummary } from '../../store/summary.ts';
import { listLabels } from '../../store/labels.ts';
import type { Command } from '../command.ts';

export const info: Command = {
  path: ['info'],
  summary: 'print what a project holds',
  usage: 'vskd info <project.vskd> [--json]',
  help: '  --json   print the summary as JSON',
  positionals: 1,
  options: { json: { type: 'boolean' } },
  async run([file], values, io) {
    const project = await openProject(file);
    try {
      const summary = await projectSummary(project.db);
      if (values.json) {
        io.out(JSON.stringify(summary, null, 2));
        return;
      }
      const labels = await listLabels(project.db);
      const streams = Object.entries(summary.streams).map(([kind, n]) => `${n} ${kind}`).join(', ') || 'none';
      io.out(`project      ${summary.path} (schema v${summary.schemaVersion})`);
      io.out(`recordings   ${summary.recordings} from ${summary.subjects} subject(s)`);
      io.out(`streams      ${streams}`);
      io.out(`samples      ${summary.sensorSamples} sensor rows`);
      io.out(`labels       ${summary.labels}${labels.length ? `: ${labels.slice(0, 8).map((l) => l.name).join(', ')}${labels.length > 8 ? ', ...' : ''}` : ''}`);
      io.out(`aligned      ${summary.aligned}`);
      io.out(`annotations  ${summary.annotations}`);
      io.out(`datasets     ${summary.datasets}`);
      io.out(`runs         ${summary.runs}`);
    } finally {
      await closeProject(project);
    }
  },
};
