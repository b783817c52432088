/** Projects with recordings to annotate: two 20 s recordings, one with a non-identity clock model. */
import { join } from 'node:path';
import { setAlignment } from '../../main/store/alignment.ts';
import { createProject, type Project } from '../../main/store/project.ts';
import { addRecordings, type RecordingInput } from '../../main/store/recordings.ts';

/** rec_a's clock: the sensor started 2.5 s before the video and runs 150 ppm fast. */
export const clockA = { offset: 2.5, drift: 150e-6 };

function recording(name: string, withVideo: boolean): RecordingInput {
  const rows = 1000; // 20 s at 50 Hz
  return {
    name,
    sources: [],
    streams: [
      { kind: 'sensor', name: 'acc', rate: 50, length: rows, channels: [{ name: 'x', unit: 'g' }], samples: { rows, cols: 1, data: new Float64Array(rows) } },
      ...(withVideo ? [{ kind: 'video' as const, name: 'video', rate: 30, length: 600, meta: { path: `/data/videos/${name} take.mp4` } }] : []),
    ],
  };
}

/** A fresh project holding rec_a (video + sensor, clockA) and rec_b (sensor only, identity clock). */
export async function annotatedProject(dir: string, file: string): Promise<{ project: Project; recA: number; recB: number }> {
  const project = await createProject(join(dir, file));
  const [recA, recB] = await addRecordings(project.db, [recording('rec_a', true), recording('rec_b', false)]);
  await setAlignment(project.db, recA, { ...clockA, method: 'manual' });
  return { project, recA, recB };
}
