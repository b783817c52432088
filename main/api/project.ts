/** The API's project methods: the version, recent projects, opening and closing, what a project holds. */
import { listLabels } from '../store/labels.ts';
import { createProject, openOrCreateProject, openProject } from '../store/project.ts';
import { recentProjects, rememberProject } from '../store/recent.ts';
import { findRecording, listRecordings } from '../store/recordings.ts';
import { latestSchemaVersion } from '../store/schema.ts';
import { projectSummary } from '../store/summary.ts';
import type { ServiceContext } from './context.ts';
import type { DomainHandlers } from './domains.ts';

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
    'recordings.list': async (filter) => listRecordings(db(), filter),
    'recordings.find': async ({ ref }) => findRecording(db(), ref),
    'labels.list': async () => listLabels(db()),
  };
}
