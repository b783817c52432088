/**
 * Video motion energy: how much the picture changes from one frame to the next. Rises with how
 * fast things move on screen, which is what the wrist's accelerometer feels too.
 */
import { StudioError } from '../shared/errors.ts';
import { decodeAllFrames } from '../media/frames.ts';

/**
 * Mean absolute difference between consecutive grayscale frames (`count` frames of width × height
 * bytes, back to back). Value i compares frames i and i + 1, so it belongs to the moment between
 * them: video time (i + 0.5) / fps.
 */
export function motionEnergy(frames: Uint8Array, count: number, width: number, height: number): Float64Array {
  const size = width * height;
  if (!(Number.isInteger(width) && Number.isInteger(height) && size > 0)) {
    throw new StudioError('INVALID_ARGUMENT', `motionEnergy: frame size must be whole pixels, got ${width}×${height}`, { field: 'width' });
  }
  if (!Number.isInteger(count) || count < 0 || frames.length < count * size) {
    throw new StudioError('INVALID_ARGUMENT', `motionEnergy: ${frames.length} bytes cannot hold ${count} frames of ${width}×${height}`, {
      field: 'frames',
    });
  }
  const energy = new Float64Array(Math.max(0, count - 1));
  for (let f = 0; f + 1 < count; f++) {
    const a = f * size;
    const b = a + size;
    let total = 0;
    for (let p = 0; p < size; p++) total += Math.abs(frames[b + p] - frames[a + p]);
    energy[f] = total / size;
  }
  return energy;
}

/** Frames are decoded this small: motion energy needs where things move, not detail. */
const FRAME_WIDTH = 80;
const FRAME_HEIGHT = 60;

export interface VideoMotion {
  motion: Float64Array;
  /** values per second (the video's frame rate) */
  rate: number;
  /** video time of motion[0] (s): half a frame in */
  start: number;
}

/** The motion energy of a whole video file at constant frame rate `fps` (every frame decoded, small and gray). */
export async function videoMotion(path: string, fps: number, opts: { signal?: AbortSignal } = {}): Promise<VideoMotion> {
  const { data, count } = await decodeAllFrames(path, { width: FRAME_WIDTH, height: FRAME_HEIGHT, channels: 1, signal: opts.signal });
  return { motion: motionEnergy(data, count, FRAME_WIDTH, FRAME_HEIGHT), rate: fps, start: 0.5 / fps };
}
