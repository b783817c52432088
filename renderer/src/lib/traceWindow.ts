/**
 * What a trace plot shows of the loaded channels between two sensor times at a given width: each
 * pixel's min and max per channel (from the pyramids), or, zoomed in to two rows a pixel or fewer,
 * the rows themselves. The buffers are kept from one view to the next, so a zoom allocates nothing.
 */
import { rowAtOrAfter, type RowClock } from '../../../main/shared/rowClock.ts';
import { fillMinMax, type MinMaxPyramid } from './minmaxPyramid.ts';

export class TraceWindow {
  mode: 'minmax' | 'raw' = 'minmax';
  pixels = 0;
  /** pixel p holds rows [bounds[p], bounds[p + 1]) */
  bounds = new Int32Array(1);
  /** 'minmax': channel-major, channel c's pixel p at c · pixels + p; NaN where a pixel holds no row */
  min = new Float32Array(0);
  max = new Float32Array(0);
  /** 'raw': rows [first, end) to draw, the view's and one more each side so the line reaches the edges */
  first = 0;
  end = 0;
  /** the lowest and highest value in view over the channels; lo > hi when there is none */
  lo = Infinity;
  hi = -Infinity;

  /** The view [start, end) of these channels cut into `pixels` equal buckets of rows. */
  update(clock: RowClock, pyramids: readonly MinMaxPyramid[], start: number, end: number, pixels: number): void {
    if (this.bounds.length < pixels + 1) this.bounds = new Int32Array(pixels + 1);
    const bounds = this.bounds;
    const width = (end - start) / pixels;
    for (let p = 0; p < pixels; p++) bounds[p] = rowAtOrAfter(clock, start + p * width);
    bounds[pixels] = rowAtOrAfter(clock, end);
    this.pixels = pixels;
    this.lo = Infinity;
    this.hi = -Infinity;
    if (bounds[pixels] - bounds[0] <= 2 * pixels) {
      this.mode = 'raw';
      this.first = Math.max(0, bounds[0] - 1);
      this.end = Math.min(clock.rows, bounds[pixels] + 1);
      for (const pyramid of pyramids) this.widen(pyramid.samples, this.first, this.end);
      return;
    }
    this.mode = 'minmax';
    const size = pyramids.length * pixels;
    if (this.min.length < size) [this.min, this.max] = [new Float32Array(size), new Float32Array(size)];
    pyramids.forEach((pyramid, c) => fillMinMax(pyramid, bounds, pixels, this.min, this.max, c * pixels));
    this.widen(this.min, 0, size);
    this.widen(this.max, 0, size);
  }

  /** lo and hi taking in values[from … to) (NaN never does) */
  private widen(values: Float32Array, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      if (values[i] < this.lo) this.lo = values[i];
      if (values[i] > this.hi) this.hi = values[i];
    }
  }
}
