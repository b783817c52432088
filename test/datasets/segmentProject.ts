/**
 * A project of long annotated sessions for segment-dataset tests: per subject one wrist recording of
 * alternating actions ('slow' 1 Hz and 'fast' 5 Hz on x) with gaps between them, sampled at a jittery
 * 50 Hz (irregular timestamps), on a sensor clock that runs `drift` fast and reads `offset` at video
 * time 0. The segments are annotated in video time, so only a cut through the clock model finds them.
 * Column 3 is a tenth of the sensor time: interpolation reproduces it exactly, which the tests read back.
 * One more recording has neither segments nor a label. The first subject's has a 26.5 g spike.
 */
import { join } from 'node:path';
import { sensorToVideo, type ClockModel } from '../../main/shared/clockModel.ts';
import { mulberry32 } from '../../main/random.ts';
import { setAlignment } from '../../main/store/alignment.ts';
import { createAnnotation } from '../../main/store/annotations.ts';
import { ensureLabels } from '../../main/store/labels.ts';
import { closeProject, createProject } from '../../main/store/project.ts';
import { addRecordings, type RecordingInput } from '../../main/store/recordings.ts';

export const RATE = 50;
export const CLOCK: ClockModel = { offset: 1.5, drift: 400e-6 };
/** on the sensor clock: [start, end, action] of each segment of a session */
export const SEGMENTS: [number, number, 'slow' | 'fast'][] = [
  [2, 6.2, 'slow'],
  [6.7, 10.9, 'fast'],
  [11.4, 15.6, 'slow'],
  [16.1, 20.3, 'fast'],
  [20.8, 25, 'slow'],
  [25.5, 29.7, 'fast'],
];
const SECONDS = 30;

function actionAt(t: number): 'slow' | 'fast' | null {
  return SEGMENTS.find(([a, b]) => t >= a && t < b)?.[2] ?? null;
}

/** jittered timestamps around k / RATE and the session's samples at them */
function session(subject: number, spike: boolean): { timestamps: Float64Array; data: Float64Array; rows: number } {
  const rng = mulberry32(100 + subject);
  const rows = SECONDS * RATE;
  const timestamps = Float64Array.from({ length: rows }, (_, k) => (k + 0.35 * (rng() - 0.5)) / RATE);
  const data = new Float64Array(rows * 4);
  const phase = rng() * 2 * Math.PI;
  for (let k = 0; k < rows; k++) {
    const t = timestamps[k];
    const action = actionAt(t);
    const frequency = action === 'slow' ? 1 : action === 'fast' ? 5 : 0;
    data[k * 4] = action ? Math.sin(2 * Math.PI * frequency * t + phase) : 0.05 * rng();
    data[k * 4 + 1] = 0.3 * Math.cos(2 * Math.PI * frequency * t) + 0.05 * rng();
    data[k * 4 + 2] = 1 + 0.05 * rng();
    data[k * 4 + 3] = t / 10;
  }
  // a 26.5 g spike in the first fast segment: what a clip range is for
  if (spike) data[Math.round(8 * RATE) * 4 + 1] = 26.5;
  return { timestamps, data, rows };
}

function recording(subject: number, spike = false): RecordingInput {
  const { timestamps, data, rows } = session(subject, spike);
  const channels = ['x', 'y', 'z', 't'].map((name) => ({ name, unit: name === 't' ? 'ds' : 'g' }));
  return {
    name: `session_s${subject}`,
    subject: `s${subject}`,
    trial: 1,
    sources: [],
    streams: [{ kind: 'sensor', name: 'wrist', rate: RATE, length: rows, channels, samples: { rows, cols: 4, data, timestamps }, dtype: 'f8' }],
  };
}

/** `subjects` sessions annotated in video time, one more without segments; returns the project's path. */
export async function segmentProject(dir: string, subjects = 5): Promise<string> {
  const path = join(dir, 'sessions.vskd');
  const project = await createProject(path);
  const labels = await ensureLabels(project.db, [{ name: 'slow' }, { name: 'fast' }]);
  const inputs = Array.from({ length: subjects }, (_, i) => recording(i + 1, i === 0));
  const ids = await addRecordings(project.db, [...inputs, { ...recording(99), name: 'unannotated', subject: 's99' }]);
  for (const id of ids.slice(0, subjects)) {
    await setAlignment(project.db, id, { ...CLOCK, method: 'manual' });
    for (const [start, end, action] of SEGMENTS) {
      await createAnnotation(project.db, { recordingId: id, labelId: labels.get(action)!, start: sensorToVideo(CLOCK, start), end: sensorToVideo(CLOCK, end) });
    }
  }
  await closeProject(project);
  return path;
}
