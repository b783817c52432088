/**
 * A min/max pyramid of one channel, built once when the channel is loaded: level 0 is the samples,
 * bucket i of level k holds the min and max of rows [i·2^k, (i+1)·2^k). It takes about twice the
 * samples' memory and answers the exact min and max of any run of rows in O(log n), so a trace of an
 * hour draws at any zoom in O(pixels · log n), with no round trip to the server.
 */
export interface MinMaxPyramid {
  /** the samples; NaN samples count as missing */
  samples: Float32Array;
  /** mins[k] and maxs[k]: level k (mins[0] = maxs[0] = samples); a bucket of only NaN holds +∞ / −∞ */
  mins: Float32Array[];
  maxs: Float32Array[];
}

export function buildPyramid(samples: Float32Array): MinMaxPyramid {
  const mins = [samples];
  const maxs = [samples];
  for (let below = samples.length; below > 1;) {
    const lower = mins[mins.length - 1];
    const upper = maxs[maxs.length - 1];
    const size = Math.ceil(below / 2);
    const min = new Float32Array(size);
    const max = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      // an odd last bucket pairs with itself
      const a = 2 * i;
      const b = Math.min(a + 1, below - 1);
      // comparisons with NaN are false, so a NaN sample never wins
      let lo = Infinity;
      let hi = -Infinity;
      if (lower[a] < lo) lo = lower[a];
      if (lower[b] < lo) lo = lower[b];
      if (upper[a] > hi) hi = upper[a];
      if (upper[b] > hi) hi = upper[b];
      min[i] = lo;
      max[i] = hi;
    }
    mins.push(min);
    maxs.push(max);
    below = size;
  }
  return { samples, mins, maxs };
}

/**
 * For each bucket p < buckets, the min and max of rows [bounds[p], bounds[p + 1]) into
 * min[offset + p] and max[offset + p]; NaN where the rows hold no number. Exact: it takes whole
 * pyramid buckets inside the run, the largest that fit (a segment-tree walk from both ends).
 */
export function fillMinMax(pyramid: MinMaxPyramid, bounds: Int32Array, buckets: number, min: Float32Array, max: Float32Array, offset: number): void {
  const { mins, maxs } = pyramid;
  for (let p = 0; p < buckets; p++) {
    let a = bounds[p];
    let b = bounds[p + 1];
    let lo = Infinity;
    let hi = -Infinity;
    // at level k the rows still to cover are [a·2^k, b·2^k), inside the run: every bucket taken is whole
    for (let k = 0; a < b; k++) {
      const levelMin = mins[k];
      const levelMax = maxs[k];
      if (a & 1) {
        if (levelMin[a] < lo) lo = levelMin[a];
        if (levelMax[a] > hi) hi = levelMax[a];
        a++;
      }
      if (b & 1) {
        b--;
        if (levelMin[b] < lo) lo = levelMin[b];
        if (levelMax[b] > hi) hi = levelMax[b];
      }
      a >>= 1;
      b >>= 1;
    }
    min[offset + p] = lo <= hi ? lo : NaN;
    max[offset + p] = lo <= hi ? hi : NaN;
  }
}
