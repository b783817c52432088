import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StudioError } from '../shared/errors.ts';

/**
 * Checks where a command will write a file before it does its work (a decode, a GAF), so that a
 * folder there or a folder missing is refused at once, naming the option and the path.
 */
export async function checkOutputFile(option: string, file: string): Promise<void> {
  const there = await stat(file).catch(() => null);
  if (there?.isDirectory()) throw new StudioError('INVALID_ARGUMENT', `${option}: ${file} is a folder`, { field: option, file });
  const folder = dirname(file);
  const parent = await stat(folder).catch(() => null);
  if (!parent) throw new StudioError('NOT_FOUND', `${option}: folder ${folder} does not exist`, { field: option, file: folder });
  if (!parent.isDirectory()) throw new StudioError('INVALID_ARGUMENT', `${option}: ${folder} is not a folder`, { field: option, file: folder });
}
