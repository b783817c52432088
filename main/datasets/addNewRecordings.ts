/**
 * Writes the recordings whose names the project does not hold yet, so that two imports of one folder
 * at once both succeed: the second skips what the first wrote. addRecordings refuses a name already
 * present inside its transaction (and stores nothing); the names are then read again and the rest
 * written, which ends because each refusal means another writer committed a recording of ours.
 */
import { StudioError } from '../shared/errors.ts';
import type { Database } from '../store/db.ts';
import { addRecordings, recordingNames, type RecordingInput } from '../store/recordings.ts';

export interface AddedRecordings {
  added: RecordingInput[];
  /** names another writer stored first */
  alreadyThere: string[];
}

export async function addNewRecordings(db: Database, inputs: RecordingInput[]): Promise<AddedRecordings> {
  let pending = inputs;
  for (;;) {
    const present = await recordingNames(db);
    const fresh = pending.filter((r) => !present.has(r.name));
    try {
      await addRecordings(db, fresh);
      const added = new Set(fresh.map((r) => r.name));
      return { added: fresh, alreadyThere: inputs.filter((r) => !added.has(r.name)).map((r) => r.name) };
    } catch (err) {
      // a clash with a name that was not there when read is another writer's commit: skip it and retry
      if (!(err instanceof StudioError && err.code === 'CONFLICT')) throw err;
      const now = await recordingNames(db);
      if (!fresh.some((r) => now.has(r.name))) throw err;
      pending = fresh;
    }
  }
}
