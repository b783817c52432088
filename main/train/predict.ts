/** Inference over a whole set in batches: logits and penultimate features, row-major. */
import * as tf from '@tensorflow/tfjs-core';
import { mulberry32 } from '../random.ts';
import { batchesOf, disposeInputs, imageBatch, teacherBatch, type TeacherData } from './batches.ts';
import type { ResNet18 } from './models/resnet.ts';
import type { Teacher } from './models/teacher.ts';

export interface Predictions {
  rows: number;
  classes: number;
  logits: Float32Array;
  featureSize: number;
  features: Float32Array;
}

async function collect(rows: number, batchSize: number, forward: (batch: number[]) => { logits: tf.Tensor2D; feature: tf.Tensor2D }): Promise<Predictions> {
  const parts: { logits: Float32Array; features: Float32Array }[] = [];
  let classes = 0;
  let featureSize = 0;
  for (const batch of batchesOf(Array.from({ length: rows }, (_, i) => i), batchSize)) {
    const out = forward(batch);
    [classes, featureSize] = [out.logits.shape[1], out.feature.shape[1]];
    parts.push({ logits: (await out.logits.data()) as Float32Array, features: (await out.feature.data()) as Float32Array });
    tf.dispose([out.logits, out.feature]);
  }
  const logits = new Float32Array(rows * classes);
  const features = new Float32Array(rows * featureSize);
  let at = 0;
  for (const p of parts) {
    logits.set(p.logits, at * classes);
    features.set(p.features, at * featureSize);
    at += p.logits.length / classes;
  }
  return { rows, classes, logits, featureSize, features };
}

export function predictStudent(model: ResNet18, images: Float32Array, rows: number, batchSize: number): Promise<Predictions> {
  const size = model.config.inputSize;
  return collect(rows, batchSize, (batch) => {
    const x = imageBatch(images, batch, size);
    const out = model.forward(x, { training: false });
    x.dispose();
    tf.dispose(out.maps);
    return out;
  });
}

/** Segment centres (evaluation sampling): the same frames every time. */
export function predictTeacher(model: Teacher, data: TeacherData, rows: number, batchSize: number): Promise<Predictions> {
  const unused = mulberry32(0); // evaluation sampling draws nothing
  return collect(rows, batchSize, (batch) => {
    const inputs = teacherBatch(data, batch, 'eval', unused);
    const out = model.forward(inputs, { training: false });
    disposeInputs(inputs);
    return out;
  });
}
