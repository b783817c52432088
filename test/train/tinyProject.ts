/**
 * A tiny labelled project for trainer tests: two actions told apart by their accelerometer
 * (slow vs fast oscillation) and their skeleton (arm up vs arm down), with skeleton MAT-files.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../../main/random.ts';
import { writeMat } from '../../main/sensors/matWriter.ts';
import { createDataset, type DatasetMember } from '../../main/store/datasets.ts';
import { closeProject, createProject } from '../../main/store/project.ts';
import { addRecordings, type RecordingInput } from '../../main/store/recordings.ts';

const JOINTS = 20;
const FRAMES = 24;
const ROWS = 60;

function recording(dir: string, action: number, subject: number, trial: number, rng: () => number): RecordingInput {
  const name = `a${action}_s${subject}_t${trial}`;
  const data = new Float64Array(ROWS * 6);
  const frequency = action === 1 ? 1 : 4;
  for (let r = 0; r < ROWS; r++) {
    for (let c = 0; c < 6; c++) data[r * 6 + c] = Math.sin((2 * Math.PI * frequency * r) / 50 + c + rng()) + 0.1 * rng();
  }
  // d_skel is J × 3 × F, column-major: joint varies fastest
  const skel = new Float64Array(JOINTS * 3 * FRAMES);
  for (let f = 0; f < FRAMES; f++)
    for (let k = 0; k < 3; k++)
      for (let j = 0; j < JOINTS; j++) skel[j + JOINTS * (k + 3 * f)] = (j === 11 && k === 1 ? (action === 1 ? 0.6 : -0.4) : j * 0.01) + 0.02 * rng();
  const path = join(dir, `${name}_skeleton.mat`);
  writeFileSync(path, writeMat([{ name: 'd_skel', className: 'double', dims: [JOINTS, 3, FRAMES], data: skel }]));
  return {
    name,
    subject: String(subject),
    trial,
    label: { name: action === 1 ? 'slow' : 'fast' },
    sources: [{ role: 'skeleton', path, sha256: '0'.repeat(64), bytes: 1 }],
    streams: [
      {
        kind: 'sensor',
        name: 'inertial',
        rate: 50,
        length: ROWS,
        channels: ['x', 'y', 'z', 'gx', 'gy', 'gz'].map((n) => ({ name: n, unit: '' })),
        samples: { rows: ROWS, cols: 6, data },
      },
      { kind: 'skeleton', name: 'skeleton', rate: 30, length: FRAMES, meta: { joints: JOINTS }, sourceRole: 'skeleton' },
    ],
  };
}

/** 2 actions × 2 subjects × 4 trials: trials 1–2 train (one per action held out for validation), 3–4 test. */
export async function tinyProject(dir: string): Promise<{ path: string; datasetId: number }> {
  const path = join(dir, 'tiny.vskd');
  const project = await createProject(path);
  const rng = mulberry32(11);
  const inputs: RecordingInput[] = [];
  for (let a = 1; a <= 2; a++) for (let s = 1; s <= 2; s++) for (let t = 1; t <= 4; t++) inputs.push(recording(dir, a, s, t, rng));
  const ids = await addRecordings(project.db, inputs);
  const members: DatasetMember[] = inputs.map((r, i) => ({
    recordingId: ids[i],
    split: r.trial! >= 3 ? 'test' : r.trial === 2 && r.subject === '2' ? 'val' : 'train',
  }));
  const datasetId = await createDataset(project.db, { name: 'tiny', protocol: 'subject-specific', members });
  await closeProject(project);
  return { path, datasetId };
}
