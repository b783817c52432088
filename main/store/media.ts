import { basename, dirname, extname, join } from 'node:path';

/**
 * The folder beside a project file that holds the media the studio makes for it
 * (transcoded videos, decoded-frame caches): project.vskd → project.media/.
 */
export function mediaDir(projectPath: string): string {
  return join(dirname(projectPath), `${basename(projectPath, extname(projectPath))}.media`);
}
