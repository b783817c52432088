import type * as tf from '@tensorflow/tfjs-core';

/** Milliseconds of `runs` calls of `work`, each until its output is read back, sorted; after one warm-up call when `warm`. */
export function tensorTimesMs(work: () => tf.Tensor, runs: number, warm = true): number[] {
  if (warm) work().dispose();
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const start = performance.now();
    const out = work();
    out.dataSync();
    times.push(performance.now() - start);
    out.dispose();
  }
  return times.sort((a, b) => a - b);
}
