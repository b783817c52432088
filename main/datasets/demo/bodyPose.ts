/**
 * The demo's body-pose stream, shaped like UTD-MHAD's Kinect skeletons: the figure's joints at
 * each video frame, as `d_skel` (J joints × 3 coordinates × F frames, double) in a MAT-file that
 * readSkeleton reads as it reads UTD-MHAD's. Metres on the accelerometer's world axes (x to the
 * image's right, y up, z toward the camera); the figure moves in the image plane, so z is 0 but
 * for the noise, which keeps the stream from being a perfect oracle.
 */
import { randomGaussian, type Rng } from '../../random.ts';
import { writeMat } from '../../sensors/matWriter.ts';
import { poseAt, type Motion, type Pose, type Vec2 } from './skeleton.ts';

export const SKELETON_VARIABLE = 'd_skel';

const midpoint = (a: Vec2, b: Vec2): Vec2 => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];

/**
 * Where a hand joint is: the palm's centre, this many forearm lengths beyond the wrist along the
 * forearm (about 0.044 × height: some 40 % into a hand 0.108 × height long, after Drillis & Contini).
 */
const HAND_BEYOND_WRIST = 0.3;
const hand = (elbow: Vec2, wrist: Vec2): Vec2 => [wrist[0] + HAND_BEYOND_WRIST * (wrist[0] - elbow[0]), wrist[1] + HAND_BEYOND_WRIST * (wrist[1] - elbow[1])];

/**
 * UTD-MHAD's 20 Kinect joints, in its order and by its names, so that a pose model made for it
 * takes the demo's as they are (and hip_center is 4th, where the trainer centres each pose). The
 * figure has neither spine nor hands, so they are put where a Kinect finds them: the spine on the
 * trunk (a straight line here; its midpoint), each hand at its palm, in line with the forearm.
 */
const SKELETON: readonly (readonly [string, (pose: Pose) => Vec2])[] = [
  ['head', (p) => p.head],
  ['shoulder_center', (p) => p.neck],
  ['spine', (p) => midpoint(p.neck, p.pelvis)],
  ['hip_center', (p) => p.pelvis],
  ['left_shoulder', (p) => p.leftShoulder],
  ['left_elbow', (p) => p.leftElbow],
  ['left_wrist', (p) => p.leftWrist],
  ['left_hand', (p) => hand(p.leftElbow, p.leftWrist)],
  ['right_shoulder', (p) => p.rightShoulder],
  ['right_elbow', (p) => p.rightElbow],
  ['right_wrist', (p) => p.rightWrist],
  ['right_hand', (p) => hand(p.rightElbow, p.rightWrist)],
  ['left_hip', (p) => p.leftHip],
  ['left_knee', (p) => p.leftKnee],
  ['left_ankle', (p) => p.leftAnkle],
  ['left_foot', (p) => p.leftFoot],
  ['right_hip', (p) => p.rightHip],
  ['right_knee', (p) => p.rightKnee],
  ['right_ankle', (p) => p.rightAnkle],
  ['right_foot', (p) => p.rightFoot],
];

export const SKELETON_JOINT_NAMES: readonly string[] = SKELETON.map(([name]) => name);

/**
 * The joints at the video's frame times i / fps, with Gaussian noise of `noise` metres on every
 * coordinate: column-major J × 3 × F, as MATLAB stores d_skel.
 */
export function skeletonFrames(motion: Motion, frames: number, fps: number, noise: number, rng: Rng): Float64Array {
  const joints = SKELETON.length;
  const out = new Float64Array(joints * 3 * frames);
  for (let f = 0; f < frames; f++) {
    const pose = poseAt(motion, f / fps);
    for (let j = 0; j < joints; j++) {
      const [x, y] = SKELETON[j][1](pose);
      const at = j + joints * 3 * f;
      out[at] = x + noise * randomGaussian(rng);
      out[at + joints] = y + noise * randomGaussian(rng);
      out[at + 2 * joints] = noise * randomGaussian(rng);
    }
  }
  return out;
}

/** The MAT-file of skeletonFrames' output. */
export function skeletonMat(data: Float64Array): Buffer {
  const joints = SKELETON.length;
  return writeMat([{ name: SKELETON_VARIABLE, className: 'double', dims: [joints, 3, data.length / (joints * 3)], data }], { stamp: false });
}
