/**
 * Manual alignment: the user marks the same moment on both clocks (a clap, a tap) and the clock
 * model is the least-squares line through those anchor pairs.
 */
import { StudioError } from './errors.ts';
import { videoToSensor, type ClockModel } from './clockModel.ts';

export interface Anchor {
  /** seconds on the video clock */
  video: number;
  /** seconds on the sensor clock at the same moment */
  sensor: number;
}

export interface AnchorFit {
  model: ClockModel;
  /** sensor − model(video) for each anchor, in sensor seconds */
  residuals: number[];
  /** root mean square of the residuals (s) */
  rms: number;
  /** false when there was one anchor: the offset is fitted, the drift is taken as 0 */
  driftFitted: boolean;
}

function invalid(index: number, problem: string): StudioError {
  return new StudioError('INVALID_ARGUMENT', `anchors[${index}]: ${problem}`, { field: `anchors[${index}]` });
}

function checkAnchors(anchors: Anchor[]): void {
  if (anchors.length === 0) throw new StudioError('INVALID_ARGUMENT', 'anchors: at least one anchor pair is needed', { field: 'anchors' });
  const seen = new Map<number, number>();
  anchors.forEach((a, i) => {
    if (!Number.isFinite(a.video)) throw invalid(i, `video time must be a finite number of seconds, got ${a.video}`);
    if (!Number.isFinite(a.sensor)) throw invalid(i, `sensor time must be a finite number of seconds, got ${a.sensor}`);
    const first = seen.get(a.video);
    if (first !== undefined) throw invalid(i, `video time ${a.video} s repeats anchors[${first}]; each anchor needs its own video time`);
    seen.set(a.video, i);
  });
}

/**
 * Fits sensor = video × (1 + drift) + offset. Regresses (sensor − video) on video rather than
 * sensor on video, so the drift (ppm) is not lost in the cancellation of 1 + drift − 1.
 */
export function fitAnchors(anchors: Anchor[]): AnchorFit {
  checkAnchors(anchors);
  const n = anchors.length;
  const gaps = anchors.map((a) => a.sensor - a.video);
  const meanVideo = anchors.reduce((s, a) => s + a.video, 0) / n;
  const meanGap = gaps.reduce((s, g) => s + g, 0) / n;
  let sxy = 0;
  let sxx = 0;
  anchors.forEach((a, i) => {
    sxy += (a.video - meanVideo) * (gaps[i] - meanGap);
    sxx += (a.video - meanVideo) ** 2;
  });
  const drift = n >= 2 ? sxy / sxx : 0;
  if (!(drift > -1)) {
    throw new StudioError('INVALID_ARGUMENT', `anchors: they imply a drift of ${drift}, a sensor clock that stops or runs backwards`, { field: 'anchors' });
  }
  const model = { offset: meanGap - drift * meanVideo, drift };
  const residuals = anchors.map((a) => a.sensor - videoToSensor(model, a.video));
  const rms = Math.sqrt(residuals.reduce((s, r) => s + r * r, 0) / n);
  return { model, residuals, rms, driftFitted: n >= 2 };
}
