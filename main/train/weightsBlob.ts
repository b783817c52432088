/** A model's weights (names, shapes, float32 values) as one blob for the project file. */
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.ts';
import type { WeightMap } from './models/parameters.ts';

export function encodeWeights(weights: WeightMap): Buffer {
  return encodeCheckpoint({ weights, optimiser: {}, state: {} });
}

export function decodeWeights(blob: Buffer): WeightMap {
  return decodeCheckpoint(blob, 'weights').weights;
}
