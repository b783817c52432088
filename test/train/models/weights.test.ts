import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomInput, studioError, tf, values } from './tfCpu.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { ResNet18 } from '../../../main/train/models/resnet.ts';
import { Teacher, type TeacherConfig } from '../../../main/train/models/teacher.ts';
import { initFromWeightsDir, readWeightsDir, saveWeightsDir } from '../../../main/train/models/weightsDir.ts';

const STUDENT = { classes: 3, inputSize: 16, width: 0.125 } as const;
const TEACHER: TeacherConfig = {
  classes: 3,
  inputs: ['frames', 'pose'],
  segments: 3,
  featureDim: 8,
  trnHidden: 4,
  frames: { size: 16, stem: 'small', widths: [4, 8], blocks: [1, 1] },
  pose: { joints: 4, hidden: [6] },
};

describe('weights', () => {
  it('round-trips a student through its weight map: identical outputs', async () => {
    const a = new ResNet18({ ...STUDENT, seed: 1 });
    const x = randomInput<tf.Rank.R4>([2, 16, 16, 3], 1);
    tf.dispose(a.forward(x, { training: true })); // running statistics away from their initial values
    const b = new ResNet18({ ...STUDENT, seed: 2 });
    const weights = await a.getWeights();
    b.setWeights(weights);
    weights['fc/bias'].data.fill(100); // the model keeps its own copy
    const [oa, ob] = [a.forward(x, { training: false }), b.forward(x, { training: false })];
    assert.deepEqual(values(ob.logits), values(oa.logits));
    assert.deepEqual(values(ob.maps[3]), values(oa.maps[3]));
    tf.dispose([oa, ob, x]);
    a.dispose();
    b.dispose();
  });

  it('round-trips a fused teacher through a weights directory', async () => {
    const dir = join(tempDir(), 'teacher');
    const a = new Teacher({ ...TEACHER, seed: 1 });
    const frames = randomInput<tf.Rank.R5>([2, 3, 16, 16, 1], 2);
    const pose = randomInput<tf.Rank.R4>([2, 3, 4, 3], 3);
    tf.dispose(a.forward({ frames, pose }, { training: true }));
    await saveWeightsDir(dir, await a.getWeights(), { kind: 'teacher' });
    const read = await readWeightsDir(dir);
    assert.deepEqual(read.meta, { kind: 'teacher' });
    assert.deepEqual(read.weights, await a.getWeights());

    const b = new Teacher({ ...TEACHER, seed: 2 });
    const report = await initFromWeightsDir(b, dir);
    assert.deepEqual(report.skipped, []);
    assert.deepEqual(report.missing, []);
    assert.equal(report.loaded.length, Object.keys(await a.getWeights()).length);
    const [oa, ob] = [a.forward({ frames, pose }, { training: false }), b.forward({ frames, pose }, { training: false })];
    assert.deepEqual(values(ob.logits), values(oa.logits));
    assert.deepEqual(values(ob.feature), values(oa.feature));
    tf.dispose([oa, ob, frames, pose]);
    a.dispose();
    b.dispose();
  });

  it('initialises from matching names and shapes, reporting what it skipped', async () => {
    const dir = tempDir();
    const source = new ResNet18({ ...STUDENT, seed: 1 });
    await saveWeightsDir(dir, { ...(await source.getWeights()), 'head/extra': { shape: [2], data: Float32Array.from([1, 2]) } });
    const target = new ResNet18({ ...STUDENT, classes: 5, seed: 2 });
    const report = await initFromWeightsDir(target, dir);
    assert.deepEqual(report.skipped.map((s) => s.name).sort(), ['fc/bias', 'fc/kernel', 'head/extra']);
    assert.match(report.skipped.find((s) => s.name === 'fc/kernel')!.reason, /shape 64×3, the model has 64×5/);
    assert.match(report.skipped.find((s) => s.name === 'head/extra')!.reason, /no such weight/);
    assert.deepEqual(report.missing.sort(), ['fc/bias', 'fc/kernel']);
    const loaded = await target.getWeights();
    assert.deepEqual(loaded['stage2/block1/conv1/kernel'].data, (await source.getWeights())['stage2/block1/conv1/kernel'].data);
    source.dispose();
    target.dispose();
  });

  it('reads tfjs manifests with several groups, skipping non-float32 entries', async () => {
    const dir = tempDir();
    const f32 = (v: number[]) => Buffer.from(Float32Array.from(v).buffer);
    writeFileSync(join(dir, 'group1-shard1of2.bin'), Buffer.concat([f32([1, 2]), Buffer.from(Int32Array.from([7, 8, 9]).buffer)]));
    writeFileSync(join(dir, 'group1-shard2of2.bin'), f32([3, 4, 5, 6]));
    writeFileSync(join(dir, 'group2-shard1of1.bin'), Buffer.from([9, 9, 0, 0, 128, 63]));
    const weightsManifest = [
      {
        paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'],
        weights: [
          { name: 'a', shape: [2], dtype: 'float32' },
          { name: 'steps', shape: [3], dtype: 'int32' },
          { name: 'b', shape: [2, 2], dtype: 'float32' },
        ],
      },
      {
        paths: ['group2-shard1of1.bin'],
        weights: [
          { name: 'q', shape: [2], dtype: 'float32', quantization: { dtype: 'uint8', min: 0, scale: 1 } },
          { name: 'c', shape: [1], dtype: 'float32' },
        ],
      },
    ];
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest }));
    const read = await readWeightsDir(dir);
    assert.deepEqual(Object.keys(read.weights), ['a', 'b', 'c']);
    assert.deepEqual(Array.from(read.weights.b.data), [3, 4, 5, 6]);
    assert.deepEqual(read.weights.b.shape, [2, 2]);
    assert.deepEqual(Array.from(read.weights.c.data), [1]);
    assert.deepEqual(
      read.unreadable.map((u) => u.name),
      ['steps', 'q'],
    );
    assert.equal(read.meta, null);
  });

  it('refuses missing, truncated and escaping weight files', async () => {
    const root = tempDir();
    await assert.rejects(readWeightsDir(join(root, 'none')), studioError('NOT_FOUND'));
    const dir = join(root, 'w');
    await saveWeightsDir(dir, { a: { shape: [3], data: Float32Array.from([1, 2, 3]) } });
    writeFileSync(join(dir, 'weights.bin'), readFileSync(join(dir, 'weights.bin')).subarray(0, 8));
    await assert.rejects(readWeightsDir(dir), studioError('BAD_INPUT'));
    const escaping = join(root, 'x');
    mkdirSync(escaping);
    writeFileSync(join(escaping, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['../w/weights.bin'], weights: [] }] }));
    await assert.rejects(readWeightsDir(escaping), studioError('BAD_INPUT', 'paths'));
  });

  it('refuses a weight map that does not fit, naming the argument', async () => {
    const model = new ResNet18(STUDENT);
    const weights = await model.getWeights();
    delete weights['fc/bias'];
    assert.throws(
      () => model.setWeights(weights),
      (err: Error) => studioError('INVALID_ARGUMENT', 'weights')(err) && /missing fc\/bias/.test(err.message),
    );
    const wrong = { ...(await model.getWeights()), 'fc/kernel': { shape: [3, 64], data: new Float32Array(192) } };
    assert.throws(
      () => model.setWeights(wrong),
      (err: Error) => /fc\/kernel: shape 3×64, the model has 64×3/.test(err.message),
    );
    model.dispose();
  });
});
