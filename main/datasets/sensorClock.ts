/**
 * The clock model a sensor stream's samples are cut through: the stream's own (several wearables in
 * one recording, each at its own clock), else its recording's (table clock_alignments).
 */
import type { ClockModel } from '../shared/clockModel.ts';
import { StudioError } from '../shared/errors.ts';
import { getStreamAlignment } from '../store/alignment.ts';
import type { Queryable } from '../store/db.ts';

export async function sensorClock(db: Queryable, recordingId: number, streamId: number): Promise<ClockModel> {
  const alignment = await getStreamAlignment(db, streamId);
  if (alignment.recordingId !== recordingId) {
    throw new StudioError('INVALID_ARGUMENT', `stream ${streamId} is not a stream of recording ${recordingId}`, { field: 'streamId' });
  }
  return alignment.model;
}
