/** The API handlers of annotations and the label schema, over the service's open project. */
import type { StudioHandlers } from '../shared/contract.ts';
import { createAnnotation, deleteAnnotation, listAnnotations, recordingClock, updateAnnotation } from '../store/annotations.ts';
import type { Database } from '../store/db.ts';
import { createLabel, deleteLabel, updateLabel } from '../store/labels.ts';
import { exportAnnotations, importAnnotations } from './transfer.ts';

export type AnnotationMethod =
  | 'annotations.list'
  | 'annotations.create'
  | 'annotations.update'
  | 'annotations.delete'
  | 'annotations.export'
  | 'annotations.import'
  | 'labels.create'
  | 'labels.update'
  | 'labels.delete';

/** `db` gives the open project's database (and throws when none is open). */
export function annotationHandlers(db: () => Database): Pick<StudioHandlers, AnnotationMethod> {
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
