/**
 * The static layer of a trace plot (grid, labels, traces) on a 2D canvas in CSS pixels. Scales are
 * plain numbers: no reactive reads inside the loops over thousands of points.
 */
import { rowTime, type RowClock } from '../../../main/shared/rowClock.ts';
import { tickLabel, tickStep } from './format.ts';
import type { TraceWindow } from './traceWindow.ts';

/** the plot's box on the canvas */
export interface Plot {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** what the box shows: times [start, start + span], values [lo, hi] bottom to top */
export interface Scale {
  start: number;
  span: number;
  lo: number;
  hi: number;
}

/** A value range padded a little and never flat; [-1, 1] when there is no value. */
export function paddedRange(lo: number, hi: number): [number, number] {
  if (!(hi >= lo)) return [-1, 1];
  const pad = Math.max((hi - lo) * 0.08, 0.05);
  return [lo - pad, hi + pad];
}

/** `origin`: the sensor's own time of the stream's first sample, so that the axis reads the file's times (a CSV from −0.54 s reads −0.54) */
export function drawAxes(ctx: CanvasRenderingContext2D, plot: Plot, scale: Scale, origin = 0): void {
  const y = (v: number) => plot.y1 - ((v - scale.lo) / (scale.hi - scale.lo)) * (plot.y1 - plot.y0);
  const x = (t: number) => plot.x0 + ((t - scale.start) / scale.span) * (plot.x1 - plot.x0);
  ctx.font = '11px system-ui, sans-serif';
  ctx.strokeStyle = '#2c323c';
  ctx.fillStyle = '#8a95a3';
  ctx.lineWidth = 1;
  const yStep = tickStep(scale.hi - scale.lo, (plot.y1 - plot.y0) / 36);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let v = Math.ceil(scale.lo / yStep) * yStep; v <= scale.hi; v += yStep) {
    ctx.beginPath();
    ctx.moveTo(plot.x0, Math.round(y(v)) + 0.5);
    ctx.lineTo(plot.x1, Math.round(y(v)) + 0.5);
    ctx.stroke();
    ctx.fillText(tickLabel(v, yStep), plot.x0 - 6, y(v));
  }
  const tStep = tickStep(scale.span, (plot.x1 - plot.x0) / 90);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  // ticks on round numbers of the sensor's own clock
  for (let own = Math.ceil((scale.start + origin) / tStep) * tStep; own <= scale.start + scale.span + origin; own += tStep) {
    const px = Math.round(x(own - origin)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(px, plot.y0);
    ctx.lineTo(px, plot.y1);
    ctx.stroke();
    ctx.fillText(tickLabel(own, tStep), x(own - origin), plot.y1 + 5);
  }
  ctx.textAlign = 'right';
  ctx.fillText('s', plot.x0 - 6, plot.y1 + 5);
}

/**
 * Channel `c` of a 'minmax' window: one column per pixel from its min to its max, stretched to
 * meet the previous column so the trace stays joined. Whole-pixel rectangles rasterise far faster
 * than an anti-aliased polygon through every bucket, which matters when each zoom step redraws.
 */
export function drawEnvelope(ctx: CanvasRenderingContext2D, plot: Plot, scale: Scale, window: TraceWindow, c: number): void {
  const { pixels, min, max } = window;
  const column = (plot.x1 - plot.x0) / pixels;
  const perValue = (plot.y1 - plot.y0) / (scale.hi - scale.lo);
  // NaN after an empty pixel: nothing to meet
  let previousLo = NaN;
  let previousHi = NaN;
  for (let p = 0; p < pixels; p++) {
    const ownLo = min[c * pixels + p];
    const ownHi = max[c * pixels + p];
    const lo = previousHi < ownLo ? previousHi : ownLo;
    const hi = previousLo > ownHi ? previousLo : ownHi;
    previousLo = ownLo;
    previousHi = ownHi;
    if (Number.isNaN(ownLo)) continue;
    // half a pixel more each way: the weight of a 1 px line, so a flat stretch stays visible
    const top = Math.floor(plot.y1 - (hi - scale.lo) * perValue - 0.5);
    const bottom = Math.ceil(plot.y1 - (lo - scale.lo) * perValue + 0.5);
    ctx.fillRect(plot.x0 + p * column, top, column, bottom - top);
  }
}

/** Rows [first, end) of one channel's samples as a line; each sample marked once they are far enough apart to see. */
export function drawSamples(ctx: CanvasRenderingContext2D, plot: Plot, scale: Scale, clock: RowClock, samples: Float32Array, first: number, end: number): void {
  const perSecond = (plot.x1 - plot.x0) / scale.span;
  const perValue = (plot.y1 - plot.y0) / (scale.hi - scale.lo);
  const x = (r: number) => plot.x0 + (rowTime(clock, r) - scale.start) * perSecond;
  const y = (r: number) => plot.y1 - (samples[r] - scale.lo) * perValue;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  for (let r = first; r < end; r++) ctx.lineTo(x(r), y(r));
  ctx.stroke();
  if (end - first > 1 && x(first + 1) - x(first) > 6) for (let r = first; r < end; r++) ctx.fillRect(x(r) - 1.5, y(r) - 1.5, 3, 3);
}
