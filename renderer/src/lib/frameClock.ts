/**
 * Where a video's frames lie in time, for stepping frame by frame. The player keeps the frame's
 * index, never re-derives it from the element's currentTime: a currentTime of 0.0333329 for frame 1
 * of 30 fps floors back to frame 0, which is how a step forward got stuck and a step back skipped.
 */

export interface FrameTiming {
  fps: number;
  frames: number;
  /** the video's length in seconds */
  duration: number;
  /** each frame's start (s, from the first frame) of a variable-rate video; null when frame k starts at k / fps */
  times: ArrayLike<number> | null;
}

/** a time this close before a frame's start (a thousandth of a frame) is taken as on it: seek targets round */
const ON_BOUNDARY = 1e-3;

export class FrameClock {
  readonly count: number;
  private readonly fps: number;
  private readonly duration: number;
  private readonly times: ArrayLike<number> | null;

  constructor(timing: FrameTiming) {
    this.fps = timing.fps;
    this.times = timing.times && timing.times.length > 0 ? timing.times : null;
    this.count = Math.max(1, this.times?.length ?? timing.frames);
    this.duration = Math.max(timing.duration, this.start(this.count - 1));
  }

  /** the first instant frame `k` is on screen */
  start(k: number): number {
    return this.times ? this.times[k] : k / this.fps;
  }

  /** where frame `k` gives way to the next; the last lasts to the video's end */
  end(k: number): number {
    if (k + 1 < this.count) return this.start(k + 1);
    const fallback = this.start(k) + (this.times ? this.typicalStep() : 1 / this.fps);
    return this.duration > this.start(k) ? this.duration : fallback;
  }

  /** the frame on screen at time `t`: the last one starting at or before it */
  at(t: number): number {
    if (!this.times) return this.clamp(Math.floor(t * this.fps + ON_BOUNDARY));
    const slack = ON_BOUNDARY * this.typicalStep();
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.times[mid] <= t + slack) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** `steps` frames from frame `k`, inside the video */
  step(k: number, steps: number): number {
    return this.clamp(k + steps);
  }

  /** where to seek the element to show frame `k`: its middle, which no rounding of either edge moves off it */
  seekTime(k: number): number {
    return (this.start(k) + this.end(k)) / 2;
  }

  private clamp(k: number): number {
    return Math.max(0, Math.min(this.count - 1, k));
  }

  private typicalStep(): number {
    return this.count > 1 ? this.start(this.count - 1) / (this.count - 1) : 1 / this.fps;
  }
}
