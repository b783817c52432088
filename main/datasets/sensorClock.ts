/**
 * The clock model a sensor stream's samples are cut through. Today a recording has one (its video to
 * its sensor clock, table clock_alignments) shared by its sensor streams; a stream with a model of its
 * own changes this function only.
 */
import type { ClockModel } from '../shared/clockModel.ts';
import { getAlignment } from '../store/alignment.ts';
import type { Queryable } from '../store/db.ts';

export async function sensorClock(db: Queryable, recordingId: number, _streamId: number): Promise<ClockModel> {
  return (await getAlignment(db, recordingId)).model;
}
