/** Kinect skeletons from UTD-MHAD skeleton files (d_skel: J joints × 3 coordinates × F frames). */
import { badInput } from '../shared/errors.ts';
import { parseMat, readMatBytes, requireVariable } from './mat.ts';

export interface SkeletonSequence {
  joints: number;
  frames: number;
  /** row-major F × J × 3: frame f, joint j, coordinate k at (f × joints + j) × 3 + k */
  data: Float32Array;
}

/** Reads d_skel, reordered from MATLAB's column-major J×3×F to frame-major F×J×3. */
export async function readSkeleton(path: string): Promise<SkeletonSequence> {
  const bytes = await readMatBytes(path);
  const skel = requireVariable(parseMat(bytes, path, { only: ['d_skel'] }), 'd_skel', path, { dims: [null, 3, null] });
  const [joints, , frames] = skel.dims;
  const data = new Float32Array(frames * joints * 3);
  for (let f = 0; f < frames; f++) {
    for (let k = 0; k < 3; k++) {
      for (let j = 0; j < joints; j++) {
        const value = skel.data[j + joints * (k + 3 * f)];
        if (!Number.isFinite(value)) throw badInput(path, `d_skel has a non-finite value (${value}) at joint ${j + 1}, frame ${f + 1}`, { field: 'd_skel' });
        data[(f * joints + j) * 3 + k] = value;
      }
    }
  }
  return { joints, frames, data };
}
