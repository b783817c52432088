/** Inference over a whole set in batches: logits, penultimate features and the teacher's time maps, row-major. */
import * as tf from '@tensorflow/tfjs-core';
import { mulberry32 } from '../random.ts';
import { disposeInputs, imageBatch, teacherBatch, type TeacherData } from './batches.ts';
import { batchesOf } from './epochOrder.ts';
import type { ResNet18 } from './models/resnet.ts';
import type { Teacher } from './models/teacher.ts';

export interface Predictions {
  rows: number;
  classes: number;
  logits: Float32Array;
  featureSize: number;
  features: Float32Array;
  /** the shape of one row's feature map (the teacher's time map [K, 1, d]); [] when none was kept */
  mapShape: number[];
  maps: Float32Array;
}

interface BatchOutput {
  logits: tf.Tensor2D;
  feature: tf.Tensor2D;
  /** kept when given: [batch, ...mapShape] */
  map?: tf.Tensor;
}

async function collect(rows: number, batchSize: number, forward: (batch: number[]) => BatchOutput, onRows?: (done: number) => void): Promise<Predictions> {
  const parts: { logits: Float32Array; features: Float32Array; maps: Float32Array }[] = [];
  let [classes, featureSize, mapShape] = [0, 0, [] as number[]];
  for (const batch of batchesOf(
    Array.from({ length: rows }, (_, i) => i),
    batchSize,
  )) {
    const out = forward(batch);
    [classes, featureSize, mapShape] = [out.logits.shape[1], out.feature.shape[1], out.map ? out.map.shape.slice(1) : []];
    const maps = out.map ? ((await out.map.data()) as Float32Array) : new Float32Array(0);
    parts.push({ logits: (await out.logits.data()) as Float32Array, features: (await out.feature.data()) as Float32Array, maps });
    tf.dispose([out.logits, out.feature, ...(out.map ? [out.map] : [])]);
    onRows?.(batch.at(-1)! + 1);
  }
  const mapSize = mapShape.reduce((a, b) => a * b, mapShape.length ? 1 : 0);
  const logits = new Float32Array(rows * classes);
  const features = new Float32Array(rows * featureSize);
  const maps = new Float32Array(rows * mapSize);
  let at = 0;
  for (const p of parts) {
    logits.set(p.logits, at * classes);
    features.set(p.features, at * featureSize);
    maps.set(p.maps, at * mapSize);
    at += p.logits.length / classes;
  }
  return { rows, classes, logits, featureSize, features, mapShape, maps };
}

export function predictStudent(model: ResNet18, images: Float32Array, rows: number, batchSize: number): Promise<Predictions> {
  const size = model.config.inputSize;
  return collect(rows, batchSize, (batch) => {
    const x = imageBatch(images, batch, size);
    const out = model.forward(x, { training: false });
    x.dispose();
    tf.dispose(out.maps);
    return { logits: out.logits, feature: out.feature };
  });
}

/** Segment centres (evaluation sampling): the same frames every time. */
export function predictTeacher(model: Teacher, data: TeacherData, rows: number, batchSize: number, onRows?: (done: number) => void): Promise<Predictions> {
  const unused = mulberry32(0); // evaluation sampling draws nothing
  return collect(
    rows,
    batchSize,
    (batch) => {
      const inputs = teacherBatch(data, batch, 'eval', unused);
      const { logits, feature, timeMap } = model.forward(inputs, { training: false });
      disposeInputs(inputs);
      return { logits, feature, map: timeMap };
    },
    onRows,
  );
}
