/**
 * The student's training steps on its training set, apart from the project it was read from: the
 * run's first thread (trainer.ts) builds it from the project, every other thread (peer.ts) from a
 * copy of the same data, so all of them hold the same model, images and loss.
 */
import * as tf from '@tensorflow/tfjs-core';
import { augmentAxes, augments, checkAugmentation } from './augment.ts';
import { epochRng } from './epochOrder.ts';
import { batchShards, gatherBatch, shardRange, sumGradients, type Shard } from './dataParallel.ts';
import { gafImagesOf, type AxesWindow } from './gafImages.ts';
import type { TrainJob } from './job.ts';
import type { DistillationInputs, LossResult } from './losses/combine.ts';
import { distillationLoss } from './losses/registry.ts';
import { createProjection, type Projection } from './losses/semantic.ts';
import { ResNet18 } from './models/resnet.ts';
import type { Predictions } from './predict.ts';
import { disposeSet, pairedBatch, residentSet, type ResidentSet } from './residentSet.ts';
import type { StepLoss } from './step.ts';

/** The student's training set, as read from the project (plain data: it crosses to other threads). */
export interface StudentTrainingData {
  classes: number;
  /** the training recordings' accelerometer windows, redrawn each epoch when the run augments */
  signals: AxesWindow[];
  /** their GAF images as recorded, [rows, S, S, 3] */
  images: Float32Array<ArrayBuffer>;
  labels: Int32Array;
  /** the teacher's outputs on the same recordings, for the methods that distil */
  teacher: Predictions | null;
}

export interface StudentTraining {
  model: ResNet18;
  /** variables of the loss, not the model (the semantic term's projection) */
  extraVariables: tf.Variable[];
  /** the loss of the batch of these training rows (on several threads: computed from every thread's rows) */
  forwardLoss(rows: number[]): StepLoss;
  /** before each epoch's steps: redraws the augmented images */
  startEpoch(epoch: number): void;
  /** on several threads: sums the model's gradients over them */
  reduceGradients?(grads: tf.NamedTensorMap): void;
  /** on several threads: the error to report for one a step threw (another thread's own, where it caused it) */
  explain?(err: unknown): unknown;
  dispose(): void;
}

/** epochRng's purpose for the augmentation draws (0 is the epoch order, 1… a teacher's steps) */
const AUGMENT_PURPOSE = 0x5eed;

export function studentTraining(job: TrainJob, data: StudentTrainingData, shard?: Shard): StudentTraining {
  // checked even when it draws nothing: a setting out of range fails the run instead of passing unseen
  const augment = job.augment && augments(checkAugmentation(job.augment)) ? job.augment : null;
  const model = new ResNet18({ classes: data.classes, inputSize: job.student.gafSize, width: job.student.width, seed: job.seed });
  const teacher = data.teacher;
  let projection: Projection | null = null;
  if (teacher && teacher.featureSize !== model.featureSize) projection = createProjection(model.featureSize, teacher.featureSize, job.seed);
  const lossFn = distillationLoss(job.method, { ...job.loss, ...(projection ? { projection } : {}) });
  const resident = residentSet(data.images, job.student.gafSize, data.labels, teacher, job.method === 'at');
  return {
    model,
    extraVariables: projection ? [projection.kernel, projection.bias] : [],
    forwardLoss: (rows) => studentLoss(model, lossFn, pairedBatch(resident, rows), shard),
    startEpoch(epoch) {
      if (!augment) return;
      // a generator per epoch: a resumed run draws the images it would have, and every thread the same
      const rng = epochRng(job.seed, epoch, AUGMENT_PURPOSE);
      gafImagesOf(data.signals, job.student, (w) => augmentAxes(w.data, w.rows, 3, augment, rng), data.images);
      const shape = resident.images.shape;
      resident.images.dispose();
      resident.images = tf.tensor4d(data.images, shape);
    },
    // the loss's own variables are not summed: every thread computes the same whole-batch loss
    reduceGradients: shard && ((grads) => sumGradients(grads, model.trainableVariables, shard)),
    dispose: () => {
      model.dispose();
      disposeSet(resident);
      if (projection) tf.dispose([projection.kernel, projection.bias]);
    },
  };
}

/**
 * The student's training-mode forward pass on one batch of the resident set, and its loss. With a
 * shard, this thread's rows of the batch go through the model, and the loss is the whole batch's.
 */
export function studentLoss(model: ResNet18, lossFn: (inputs: DistillationInputs) => LossResult, batch: ResidentSet, shard?: Shard): StepLoss {
  const teacherFeat = batch.teacherFeatures ?? undefined;
  const teacherMap = batch.teacherMaps;
  let out = model.forward(shardOf(batch.images, shard), { training: true, across: shard && batchShards(shard) });
  if (shard) {
    // the maps only where a term reads them (attention transfer): they are the largest outputs
    out = {
      logits: gatherBatch(out.logits, shard),
      feature: gatherBatch(out.feature, shard),
      maps: teacherMap ? out.maps.map((m) => gatherBatch(m, shard)) : [],
    };
  }
  return {
    ...lossFn({
      labels: batch.labels,
      studentLogits: out.logits,
      teacherLogits: batch.teacherLogits ?? out.logits,
      studentEmb: out.feature,
      teacherEmb: teacherFeat,
      studentFeat: out.feature,
      teacherFeat,
      studentMaps: out.maps,
      // attention transfer pairs every stage of the student with the teacher's time map: the GAF
      // image's rows are time, so the loss pools each student map to K × 1 and compares where in
      // time the two networks' activations lie (a pose teacher has no spatial maps to match)
      teacherMaps: teacherMap ? out.maps.map(() => teacherMap) : undefined,
    }),
    logits: out.logits,
  };
}

/** This thread's rows of a batch's images. */
function shardOf(images: tf.Tensor4D, shard: Shard | undefined): tf.Tensor4D {
  if (!shard) return images;
  const { start, count } = shardRange(images.shape[0], shard.rank, shard.world);
  return tf.slice(images, [start, 0, 0, 0], [count, -1, -1, -1]);
}
