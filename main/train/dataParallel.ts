/**
 * One batch trained by several threads, each with its own backend instance and a copy of the model
 * (trainingPeers.ts starts them): each thread runs the forward and backward pass of its shard of the
 * batch's rows, and the numbers stay those of one thread training the whole batch, up to float32's
 * summation order:
 * - BatchNorm normalises with the whole batch's statistics (layers.ts's BatchShards);
 * - the loss is the whole batch's, on every thread, from every thread's outputs (the relational terms,
 *   RKD's distances and angles, relate rows of different shards); its gradient reaches each thread's
 *   own rows only, which is that rows' share of the whole batch's gradient;
 * - the model's gradients are summed over the threads, and every thread takes the same optimiser step.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Collective } from './collective.ts';
import type { BatchShards } from './models/layers.ts';

export interface Shard {
  rank: number;
  world: number;
  collective: Collective;
}

/** The rows of a batch of `rows` that thread `rank` computes: contiguous, the first `rows % world` threads one more. */
export function shardRange(rows: number, rank: number, world: number): { start: number; count: number } {
  const base = Math.floor(rows / world);
  const extra = rows % world;
  return { start: rank * base + Math.min(rank, extra), count: base + (rank < extra ? 1 : 0) };
}

/** BatchNorm's exchanges with the shard's other threads. */
export function batchShards({ collective }: Shard): BatchShards {
  return { gather: (part) => collective.allGather(part), sum: (part) => collective.allReduceSum(part) };
}

/**
 * The whole batch of which `local` holds this thread's rows: the other threads' rows are constants,
 * so the gradient of anything computed from the result reaches `local` with this thread's rows' share.
 */
export function gatherBatch<T extends tf.Tensor>(local: T, shard: Shard): T {
  const parts = shard.collective.allGather(local.dataSync() as Float32Array);
  const rowSize = local.shape.slice(1).reduce((a, b) => a * b, 1);
  const pieces = parts.map((part, r) => (r === shard.rank ? local : tf.tensor(part, [part.length / rowSize, ...local.shape.slice(1)])));
  return tf.concat(pieces, 0) as T;
}

/**
 * Replaces each of `variables`' gradients in `grads` by its sum over the threads (one exchange for
 * all). A weight the loss does not reach has none on any thread (the same graph on each): it keeps none.
 */
export function sumGradients(grads: tf.NamedTensorMap, variables: tf.Variable[], shard: Shard): void {
  const reached = variables.filter((v) => grads[v.name]);
  const flat = new Float32Array(reached.reduce((n, v) => n + v.size, 0));
  let at = 0;
  for (const v of reached) {
    flat.set(grads[v.name].dataSync() as Float32Array, at);
    at += v.size;
  }
  const sum = shard.collective.allReduceSum(flat);
  at = 0;
  for (const v of reached) {
    grads[v.name].dispose();
    grads[v.name] = tf.tensor(sum.subarray(at, at + v.size), v.shape);
    at += v.size;
  }
}
