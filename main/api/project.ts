/** The API's project methods: the version, recent projects, opening and closing, what a project holds, editing and deleting a recording. */
import { rm } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import { listLabels } from '../store/labels.ts';
import { createProject, openOrCreateProject, openProject, type Project } from '../store/project.ts';
import { recentProjects, rememberProject } from '../store/recent.ts';
import { mediaDir } from '../store/media.ts';
import { deleteRecording, findRecording, listRecordings, recordingRemoval, updateRecording, type RecordingRemoval } from '../store/recordings.ts';
import { latestSchemaVersion } from '../store/schema.ts';
import { projectSummary } from '../store/summary.ts';
import type { ServiceContext } from './context.ts';
import type { DomainHandlers } from './domains.ts';

/** what a delete takes, with only the files the project made (in its media folder): the ones it removes from disk */
function removed(project: Project, { files, ...counts }: RecordingRemoval, dryRun: boolean) {
  const folder = mediaDir(project.path);
  const mediaFiles = files.filter((file) => {
    const rel = relative(folder, file);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  });
  return { ...counts, mediaFiles, dryRun };
}

export function projectHandlers(context: ServiceContext): DomainHandlers<'project'> {
  const db = () => context.project().db;

  async function opened(open: () => ReturnType<typeof openProject>) {
    const project = await context.replaceProject(open);
    if (context.recentFile) await rememberProject(context.recentFile, project.path);
    return projectSummary(project.db);
  }

  return {
    'app.version': async () => ({ version: context.version, schemaVersion: latestSchemaVersion }),
    'projects.recent': async () => (context.recentFile ? recentProjects(context.recentFile) : []),
    'project.create': async ({ path }) => opened(() => createProject(path)),
    'project.open': async ({ path, create }) => opened(() => (create ? openOrCreateProject(path) : openProject(path))),
    'project.close': async () => {
      await context.closeProject();
      return null;
    },
    'project.summary': async () => projectSummary(db()),
    'project.current': async () => (context.hasProject() ? projectSummary(db()) : null),
    'recordings.list': async (filter) => listRecordings(db(), filter),
    'recordings.find': async ({ ref }) => findRecording(db(), ref),
    'labels.list': async () => listLabels(db()),
    'recordings.update': async ({ recordingId, ...change }) => updateRecording(db(), recordingId, change),
    'recordings.delete': async ({ recordingId, dryRun = false }) => {
      const project = context.project();
      if (dryRun) return removed(project, await recordingRemoval(project.db, recordingId), true);
      const answer = removed(project, await deleteRecording(project.db, recordingId), false);
      // after the commit: a file another recording still names stays
      for (const file of answer.mediaFiles) {
        if (!(await project.db.get('SELECT 1 FROM sources WHERE path = ?', [file]))) await rm(file, { force: true });
      }
      return answer;
    },
  };
}
