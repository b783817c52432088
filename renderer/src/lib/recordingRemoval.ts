/** What a confirmation says a recording's delete takes with it (from recordings.delete with dryRun). */
import type { MethodResult } from '../../../main/shared/contract.ts';

type Removal = MethodResult<'recordings.delete'>;

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function whatGoes(removal: Removal): string[] {
  const sensors = removal.recording.streams.filter((s) => s.kind === 'sensor').length;
  const lines = [`${count(removal.streams, 'stream')}${sensors > 0 ? ` (${count(removal.sensorSamples, 'sensor sample')})` : ''}`];
  if (removal.annotations > 0) lines.push(count(removal.annotations, 'annotation'));
  if (removal.aligned) lines.push('its clock alignment');
  if (removal.mediaFiles.length > 0) lines.push(`${count(removal.mediaFiles.length, 'media file')} the project made`);
  if (removal.datasets > 0) lines.push(`its place in ${count(removal.datasets, 'dataset')}`);
  return lines;
}
