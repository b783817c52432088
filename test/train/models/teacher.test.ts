import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomInput, studioError, tf, values } from './tfCpu.ts';
import { Teacher, type TeacherConfig, type TeacherInput, type TeacherInputs } from '../../../main/train/models/teacher.ts';
import { centreSkeleton, UTD_MHAD_HIP_CENTRE } from '../../../main/train/models/pose.ts';
import { mulberry32 } from '../../../main/random.ts';

const K = 3;
const BASE: TeacherConfig = {
  classes: 4,
  inputs: ['frames', 'pose'],
  segments: K,
  featureDim: 8,
  trnHidden: 6,
  frames: { size: 16, channels: 1, stem: 'small', widths: [4, 8], blocks: [1, 1] },
  pose: { joints: 5, hidden: [10, 12] },
  seed: 5,
};

function clip(batch: number, seed: number): { frames: tf.Tensor5D; pose: tf.Tensor4D } {
  return {
    frames: randomInput<tf.Rank.R5>([batch, K, 16, 16, 1], seed),
    pose: randomInput<tf.Rank.R4>([batch, K, 5, 3], seed + 1),
  };
}

describe('teacher', () => {
  for (const inputs of [['pose'], ['frames'], ['frames', 'pose']] as TeacherInput[][]) {
    it(`classifies clips from ${inputs.join(' + ')}`, async () => {
      const model = new Teacher({ ...BASE, inputs });
      const { frames, pose } = clip(2, 1);
      const withFrames = inputs.includes('frames');
      const withPose = inputs.includes('pose');
      const given: TeacherInputs = { ...(withFrames && { frames }), ...(withPose && { pose }) };
      for (const training of [false, true]) {
        const out = model.forward(given, { training, rng: mulberry32(1) });
        assert.deepEqual(out.logits.shape, [2, 4]);
        assert.deepEqual(out.feature.shape, [2, 6]);
        // the per-segment features as a map over time: [B, K, 1, d]
        assert.deepEqual(out.timeMap.shape, [2, K, 1, 8]);
        assert.ok(values(out.logits).every(Number.isFinite), 'finite logits');
        tf.dispose(out);
      }
      // the projection takes the concatenated per-frame features: 8 from the CNN, 12 from the pose MLP
      const perFrame = (withFrames ? 8 : 0) + (withPose ? 12 : 0);
      assert.deepEqual((await model.getWeights())['projection/kernel'].shape, [perFrame, 8]);
      const names = Object.keys(await model.getWeights());
      assert.equal(
        names.some((n) => n.startsWith('frames/')),
        withFrames,
      );
      assert.equal(
        names.some((n) => n.startsWith('pose/')),
        withPose,
      );
      tf.dispose([frames, pose]);
      model.dispose();
    });
  }

  it('uses dropout and random subsets in training only', () => {
    const model = new Teacher({ ...BASE, inputs: ['pose'], segments: 4, pose: { joints: 5, hidden: [10] } });
    const pose = randomInput<tf.Rank.R4>([3, 4, 5, 3], 2);
    const run = (training: boolean, seed: number) => {
      const out = model.forward({ pose }, { training, rng: mulberry32(seed) });
      const logits = values(out.logits);
      tf.dispose(out);
      return logits;
    };
    assert.deepEqual(run(false, 1), run(false, 2));
    assert.notDeepEqual(run(true, 1), run(true, 2));
    // same rng seed, same masks and subsets; BN statistics are batch ones, so the running ones don't matter
    assert.deepEqual(run(true, 3), run(true, 3));
    pose.dispose();
    model.dispose();
  });

  it('updates its BatchNorm running statistics in training only', async () => {
    const model = new Teacher({ ...BASE, inputs: ['frames'] });
    const { frames, pose } = clip(2, 3);
    const mean = async () => Array.from((await model.getWeights())['frames/stem/bn/runningMean'].data);
    const initial = await mean();
    tf.dispose(model.forward({ frames }, { training: false }));
    assert.deepEqual(await mean(), initial);
    tf.dispose(model.forward({ frames }, { training: true }));
    assert.notDeepEqual(await mean(), initial);
    tf.dispose([frames, pose]);
    model.dispose();
  });

  it('rejects inputs that do not match its config, naming them', () => {
    assert.throws(() => new Teacher({ ...BASE, inputs: [] }), studioError('INVALID_ARGUMENT', 'inputs'));
    assert.throws(() => new Teacher({ ...BASE, inputs: ['video' as never] }), studioError('INVALID_ARGUMENT', 'inputs'));
    assert.throws(() => new Teacher({ ...BASE, inputs: ['pose', 'pose'] }), studioError('INVALID_ARGUMENT', 'inputs'));
    assert.throws(() => new Teacher({ ...BASE, dropout: 1 }), studioError('INVALID_ARGUMENT', 'dropout'));
    assert.throws(() => new Teacher({ ...BASE, segments: 1 }), studioError('INVALID_ARGUMENT', 'segments'));
    assert.throws(() => new Teacher({ ...BASE, frames: { widths: [4, 8], blocks: [1] } }), studioError('INVALID_ARGUMENT', 'frames'));
    const model = new Teacher(BASE);
    const { frames, pose } = clip(2, 4);
    const other = clip(1, 5);
    const wrongJoints = tf.zeros([2, K, 6, 3]) as tf.Tensor4D;
    assert.throws(() => model.forward({ frames }, { training: false }), studioError('INVALID_ARGUMENT', 'pose'));
    assert.throws(() => model.forward({ frames, pose: wrongJoints }, { training: false }), studioError('INVALID_ARGUMENT', 'pose'));
    assert.throws(() => model.forward({ frames, pose: other.pose }, { training: false }), studioError('INVALID_ARGUMENT', 'pose'));
    const poseOnly = new Teacher({ ...BASE, inputs: ['pose'] });
    assert.throws(() => poseOnly.forward({ frames, pose }, { training: false }), studioError('INVALID_ARGUMENT', 'frames'));
    tf.dispose([frames, pose, other.frames, other.pose, wrongJoints]);
    model.dispose();
    poseOnly.dispose();
  });
});

describe('centreSkeleton', () => {
  it("subtracts each frame's hip joint", () => {
    // two frames of three joints; joint 1 is the hip
    const data = Float32Array.from([1, 2, 3, 10, 20, 30, 4, 4, 4, /* frame 2 */ 0, 0, 0, -1, 5, 2, 7, 8, 9]);
    assert.deepEqual(Array.from(centreSkeleton(data, 3, 1)), [-9, -18, -27, 0, 0, 0, -6, -16, -26, /* frame 2 */ 1, -5, -2, 0, 0, 0, 8, 3, 7]);
    assert.equal(data[0], 1, 'input untouched');
    assert.equal(UTD_MHAD_HIP_CENTRE, 3);
    assert.throws(() => centreSkeleton(data, 4, 1), studioError('INVALID_ARGUMENT', 'data'));
    assert.throws(() => centreSkeleton(data, 3, 3), studioError('INVALID_ARGUMENT', 'hipJoint'));
  });
});
