/** The API of annotations and the label schema, over the open project; exports and imports of annotation files are jobs. */
import { basename, resolve } from 'node:path';
import { exportAnnotations, importAnnotations } from '../annotations/transfer.ts';
import { createAnnotation, deleteAnnotation, listAnnotations, recordingClock, updateAnnotation } from '../store/annotations.ts';
import { createLabel, deleteLabel, updateLabel } from '../store/labels.ts';
import type { ServiceContext } from './context.ts';
import type { DomainHandlers } from './domains.ts';

export function annotationHandlers(context: ServiceContext): DomainHandlers<'annotations'> {
  const db = () => context.project().db;
  return {
    'annotations.list': async ({ recordingId }) => {
      const { clock } = await recordingClock(db(), recordingId);
      return { recordingId, clock, annotations: await listAnnotations(db(), { recordingId }) };
    },
    'annotations.create': async (input) => createAnnotation(db(), input),
    'annotations.update': async ({ id, ...change }) => updateAnnotation(db(), id, change),
    'annotations.delete': async ({ id }) => deleteAnnotation(db(), id),
    'annotations.export': async (options) => {
      const project = context.project();
      const title = `Annotations to ${basename(options.path)} (${options.format})`;
      // one job per target: two exports into the same place would race on its files
      const job = await context.jobs.start({ kind: 'export.annotations', title, key: resolve(options.path) }, (reporting) =>
        exportAnnotations(project.db, options, reporting),
      );
      return { job };
    },
    'annotations.import': async (options) => {
      const project = context.project();
      const title = `${options.dryRun ? 'Check' : 'Import'} annotations from ${basename(options.path)}`;
      const job = await context.jobs.start({ kind: 'import.annotations', title }, (reporting) => importAnnotations(project.db, options, reporting));
      return { job };
    },
    'labels.create': async (input) => createLabel(db(), input),
    'labels.update': async ({ id, ...change }) => updateLabel(db(), id, change),
    'labels.delete': async ({ id }) => deleteLabel(db(), id),
  };
}
