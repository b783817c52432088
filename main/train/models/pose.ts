/**
 * Body pose per frame (Kinect skeleton joints × xyz) → a feature vector, through an MLP of
 * Linear → BatchNorm → ReLU layers; and the hip centring the data pipeline applies first.
 */
import * as tf from '@tensorflow/tfjs-core';
import { StudioError } from '../../shared/errors.ts';
import { BatchNorm, Linear } from './layers.ts';
import type { VariableScope } from './parameters.ts';

/** 0-based index of hip_center in UTD-MHAD's joint order (Skeleton_joint_order.txt lists it 4th). */
export const UTD_MHAD_HIP_CENTRE = 3;

/**
 * Subtracts each frame's hip joint from all its joints, so the pose no longer depends on where
 * the subject stood. `data` is frames × joints × 3 (x, y, z), row-major; returns a new array.
 */
export function centreSkeleton(data: Float32Array, joints: number, hipJoint: number): Float32Array {
  if (!Number.isInteger(joints) || joints <= 0 || data.length % (joints * 3) !== 0) {
    throw new StudioError('INVALID_ARGUMENT', `data length ${data.length} is not a multiple of joints × 3 (joints = ${joints})`, { field: 'data' });
  }
  if (!Number.isInteger(hipJoint) || hipJoint < 0 || hipJoint >= joints) {
    throw new StudioError('INVALID_ARGUMENT', `hipJoint must be a joint index in [0, ${joints}), got ${hipJoint}`, { field: 'hipJoint' });
  }
  const out = new Float32Array(data.length);
  for (let frame = 0; frame < data.length; frame += joints * 3) {
    const hip = frame + hipJoint * 3;
    for (let j = 0; j < joints * 3; j++) out[frame + j] = data[frame + j] - data[hip + (j % 3)];
  }
  return out;
}

export class PoseEncoder {
  private readonly layers: { linear: Linear; bn: BatchNorm }[];
  readonly outFeatures: number;

  /** `hidden`: the widths of the layers, at least one */
  constructor(
    scope: VariableScope,
    readonly joints: number,
    hidden: readonly number[],
  ) {
    let width = joints * 3;
    this.layers = hidden.map((out, k) => {
      const layer = {
        // no bias: the BatchNorm's shift replaces it
        linear: new Linear(scope.child(`fc${k + 1}`), width, out, { bias: false }),
        bn: new BatchNorm(scope.child(`bn${k + 1}`), out),
      };
      width = out;
      return layer;
    });
    this.outFeatures = width;
  }

  /** pose: [N, joints × 3] → [N, last hidden width] */
  apply(pose: tf.Tensor2D, training: boolean): tf.Tensor2D {
    // BatchNorm and its ReLU as one op: its backward pass keeps two tensors a layer, not five
    return this.layers.reduce((h, { linear, bn }) => bn.apply(linear.apply(h), training, { relu: true }), pose);
  }
}
