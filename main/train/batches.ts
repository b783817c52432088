/**
 * Turning the loaded inputs into batch tensors: the student's GAF images and the teacher's sampled
 * segments (poses with a small random rotation and scale in training, video frames).
 */
import * as tf from '@tensorflow/tfjs-core';
import { segmentIndices, type SamplingMode } from '../media/segments.ts';
import type { Rng } from '../random.ts';
import { gatherSegments, type Sequence } from './inputs.ts';
import type { TeacherInputs } from './models/teacher.ts';

export function imageBatch(images: Float32Array, rows: number[], size: number): tf.Tensor4D {
  const per = size * size * 3;
  const out = new Float32Array(rows.length * per);
  rows.forEach((r, i) => out.set(images.subarray(r * per, (r + 1) * per), i * per));
  return tf.tensor4d(out, [rows.length, size, size, 3]);
}

export interface TeacherData {
  pose?: { joints: number; sequences: Sequence[] };
  frames?: { size: number; sequences: Sequence[] };
  segments: number;
}

/** Rotates each pose sequence about the vertical (y) axis and scales it: the subject seen from a slightly different angle. */
function jitterPoses(data: Float32Array, batch: number, perSample: number, rng: Rng): void {
  for (let b = 0; b < batch; b++) {
    const angle = (rng() - 0.5) * (Math.PI / 6);
    const scale = 0.9 + rng() * 0.2;
    const cos = Math.cos(angle) * scale;
    const sin = Math.sin(angle) * scale;
    for (let i = b * perSample; i < (b + 1) * perSample; i += 3) {
      const x = data[i];
      const z = data[i + 2];
      data[i] = cos * x + sin * z;
      data[i + 1] *= scale;
      data[i + 2] = -sin * x + cos * z;
    }
  }
}

export function teacherBatch(data: TeacherData, rows: number[], mode: SamplingMode, rng: Rng): TeacherInputs {
  const k = data.segments;
  const inputs: TeacherInputs = {};
  if (data.pose) {
    const seqs = rows.map((r) => data.pose!.sequences[r]);
    const indices = seqs.map((s) => segmentIndices(s.frames, k, mode, rng));
    const perFrame = data.pose.joints * 3;
    const values = gatherSegments(seqs, indices, perFrame);
    if (mode === 'train') jitterPoses(values, rows.length, k * perFrame, rng);
    inputs.pose = tf.tensor4d(values, [rows.length, k, data.pose.joints, 3]);
  }
  if (data.frames) {
    const seqs = rows.map((r) => data.frames!.sequences[r]);
    const indices = seqs.map((s) => segmentIndices(s.frames, k, mode, rng));
    const s = data.frames.size;
    inputs.frames = tf.tensor5d(gatherSegments(seqs, indices, s * s, 1 / 255), [rows.length, k, s, s, 1]);
  }
  return inputs;
}

export function disposeInputs(inputs: TeacherInputs): void {
  inputs.pose?.dispose();
  inputs.frames?.dispose();
}
