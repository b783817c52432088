/** The API of annotations and the label schema, over the open project. */
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
    'annotations.export': async (options) => exportAnnotations(db(), options),
    'annotations.import': async (options) => importAnnotations(db(), options),
    'labels.create': async (input) => createLabel(db(), input),
    'labels.update': async ({ id, ...change }) => updateLabel(db(), id, change),
    'labels.delete': async ({ id }) => deleteLabel(db(), id),
  };
}
