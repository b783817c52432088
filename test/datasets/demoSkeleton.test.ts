import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { skeletonFrames, SKELETON_JOINT_NAMES } from '../../main/datasets/demo/bodyPose.ts';
import { makeBody, makeMotion, poseAt, type DemoClass, type Motion } from '../../main/datasets/demo/skeleton.ts';
import { mulberry32 } from '../../main/random.ts';
import { UTD_MHAD_HIP_CENTRE } from '../../main/train/models/pose.ts';
import { fixtures } from '../helpers/tmp.ts';

const FPS = 30;
const FRAMES = 120;
const J = SKELETON_JOINT_NAMES.length;

function motionOf(action: DemoClass, seed = 11): Motion {
  const rng = mulberry32(seed);
  return makeMotion(action, makeBody(rng), FRAMES / FPS, rng);
}

/** Joint j's coordinate k at frame f of column-major J × 3 × F. */
const at = (d: Float64Array, f: number, j: number, k: number) => d[j + J * (k + 3 * f)];
const index = (name: string) => SKELETON_JOINT_NAMES.indexOf(name);

describe('demo skeleton', () => {
  it("has UTD-MHAD's joints in its order, with the hip centre where the trainer centres", () => {
    // "4. hip_center;" lines, as the dataset's Skeleton_joint_order.txt lists them
    const listed = readFileSync(join(fixtures, 'utd-mhad-mini', 'Skeleton', 'Skeleton_joint_order.txt'), 'utf8').matchAll(/^\s*\d+\.\s*(\w+)\s*;/gm);
    assert.deepEqual(
      SKELETON_JOINT_NAMES,
      [...listed].map((m) => m[1]),
    );
    assert.equal(SKELETON_JOINT_NAMES[UTD_MHAD_HIP_CENTRE], 'hip_center');
  });

  it('without noise, is the pose at each frame time, in the image plane, hip centre between the hips', () => {
    const motion = motionOf('squat');
    const d = skeletonFrames(motion, FRAMES, FPS, 0, mulberry32(1));
    assert.equal(d.length, J * 3 * FRAMES);
    for (let f = 0; f < FRAMES; f++) {
      const pose = poseAt(motion, f / FPS);
      for (const k of [0, 1]) {
        const hips = (at(d, f, index('left_hip'), k) + at(d, f, index('right_hip'), k)) / 2;
        assert.ok(
          Math.abs(at(d, f, UTD_MHAD_HIP_CENTRE, k) - hips) < 1e-6,
          `frame ${f}, axis ${k}: hip centre ${at(d, f, UTD_MHAD_HIP_CENTRE, k)}, hips' mean ${hips}`,
        );
        assert.equal(at(d, f, index('right_wrist'), k), pose.rightWrist[k], `frame ${f}, axis ${k}: right wrist`);
        assert.equal(at(d, f, index('left_foot'), k), pose.leftFoot[k], `frame ${f}, axis ${k}: left foot`);
        const spine = (pose.neck[k] + pose.pelvis[k]) / 2;
        assert.ok(Math.abs(at(d, f, index('spine'), k) - spine) < 1e-9, `frame ${f}, axis ${k}: spine ${at(d, f, index('spine'), k)}, trunk's middle ${spine}`);
      }
      // each hand is in line with its forearm, 0.3 forearm lengths past the wrist
      for (const side of ['left', 'right'] as const) {
        const [elbow, wrist, hand] = (['elbow', 'wrist', 'hand'] as const).map((j) => [at(d, f, index(`${side}_${j}`), 0), at(d, f, index(`${side}_${j}`), 1)]);
        const forearm = Math.hypot(wrist[0] - elbow[0], wrist[1] - elbow[1]);
        const beyond = Math.hypot(hand[0] - wrist[0], hand[1] - wrist[1]);
        const cross = (wrist[0] - elbow[0]) * (hand[1] - wrist[1]) - (wrist[1] - elbow[1]) * (hand[0] - wrist[0]);
        assert.ok(Math.abs(beyond / forearm - 0.3) < 1e-9 && Math.abs(cross) < 1e-9, `frame ${f}, ${side} hand: ${beyond} m past the wrist, cross ${cross}`);
      }
      for (let j = 0; j < J; j++) assert.ok(at(d, f, j, 2) === 0, `frame ${f}, joint ${j}: z ${at(d, f, j, 2)}`);
    }
    // the figure faces the camera: its right is on the image's left
    assert.ok(at(d, 0, index('right_shoulder'), 0) < at(d, 0, index('left_shoulder'), 0), 'right shoulder left of the left one');
  });

  it('adds seeded Gaussian noise of the given size', () => {
    const motion = motionOf('wave');
    const clean = skeletonFrames(motion, FRAMES, FPS, 0, mulberry32(1));
    const noisy = skeletonFrames(motion, FRAMES, FPS, 0.01, mulberry32(7));
    assert.deepEqual(skeletonFrames(motion, FRAMES, FPS, 0.01, mulberry32(7)), noisy);
    let [sum, squares] = [0, 0];
    for (let i = 0; i < clean.length; i++) {
      sum += noisy[i] - clean[i];
      squares += (noisy[i] - clean[i]) ** 2;
    }
    const mean = sum / clean.length;
    const sd = Math.sqrt(squares / clean.length - mean * mean);
    assert.ok(Math.abs(mean) < 1e-3 && Math.abs(sd - 0.01) < 1e-3, `noise mean ${mean}, sd ${sd}`);
  });
});
