/**
 * Automatic alignment of a video and an accelerometer that saw the same movements.
 *
 * Both become activity features on a common 100 Hz grid (features.ts). The offset is the lag of
 * the normalised cross-correlation peak, refined between grid points by a parabola; long
 * recordings are searched at 10 Hz first. On long recordings the local offset in 30 s windows,
 * fitted as a line against video time, gives the drift.
 */
import { StudioError } from '../shared/errors.ts';
import { fitAnchors } from '../shared/anchors.ts';
import type { ClockModel } from '../shared/clockModel.ts';
import { accelFeatures, FEATURE_RATE, FeatureCorrelator, motionFeatures, type Features } from './features.ts';
import { argMax, mean, parabolicPeak, signalToNoise } from './signal.ts';

export interface AutoSyncInput {
  /** video motion energy, one value per frame step (see motionEnergy) */
  motion: Float64Array;
  /** values per second of `motion` (the video's fps) */
  motionRate: number;
  /** video time of motion[0] in seconds (motionEnergy's values lie half a frame in); default 0 */
  motionStart?: number;
  /** accelerometer samples, rows × 3, row-major, at a uniform rate */
  accel: Float64Array;
  accelRate: number;
  /** sensor time of the first accelerometer row in seconds; default 0 */
  accelStart?: number;
  /** the largest |offset| (s) to consider; default: any that overlaps 80 % of the shorter signal with the longer */
  maxOffset?: number;
  /**
   * fit the drift from windows along the recording; default: when the overlap is long enough
   * (≥ 120 s). true on a shorter one is refused: drift is not observable over a short clip.
   */
  estimateDrift?: boolean;
}

export interface SyncWindow {
  /** the window on the video clock (s) */
  start: number;
  end: number;
  /** sensor time − video time at the window's centre (s); null when the window has no peak */
  offset: number | null;
  /** the correlation peak in this window; null when it has none */
  ncc: number | null;
  /** whether it went into the drift fit (false: too little motion, or an outlier) */
  used: boolean;
}

export interface AutoSyncResult {
  model: ClockModel;
  /** the peak's NCC minus the best NCC elsewhere (≥ 0): near 0 ambiguous, near 1 unmistakable */
  confidence: number;
  /** the normalised cross-correlation at the peak, over the whole overlap */
  ncc: number;
  /** the best other peak, outside the main one: its offset (s) and NCC */
  runnerUp: { offset: number; ncc: number } | null;
  /** false: the drift is taken as 0 (short recording, or not asked for) */
  driftEstimated: boolean;
  /** per-window offsets, when the drift was estimated */
  windows: SyncWindow[];
}

const RATE = FEATURE_RATE;
/** a lag is only scored where this fraction of the shorter signal overlaps, and at least MIN_OVERLAP_S */
const MIN_OVERLAP_FRACTION = 0.8;
const MIN_OVERLAP_S = 2;
/** beyond this many multiply-adds the search runs at RATE / DECIMATE first */
const FULL_SCAN_BUDGET = 2e7;
const DECIMATE = 10;
/** how far (s) around the coarse peak the full-rate search looks */
const REFINE_REACH_S = 0.5;
/**
 * A signal below this signal-to-noise variance ratio is mostly noise (a wrist at rest reads 1–4,
 * a moving one 10 and far more); its match is then only trusted at MIN_NOISY_SIGNIFICANCE
 * standard errors or more, which takes a long recording.
 */
const MIN_SIGNAL_TO_NOISE = 8;
const MIN_NOISY_SIGNIFICANCE = 4;
/** the refusal thresholds: below these the peak is chance, or one of several look-alikes */
const MIN_NCC = 0.45;
const MIN_CONFIDENCE = 0.15;
/** the main peak's lobe extends at least this far (s) either side; the runner-up lies beyond */
const MIN_LOBE_S = 0.25;
/** drift windows: length and step (s); the shortest overlap that gets them */
const WINDOW_S = 30;
const WINDOW_STEP_S = 15;
const MIN_DRIFT_SPAN_S = 120;
/** a window's local search reaches max(1 s, 0.5 % of the span) around the global offset */
const WINDOW_SEARCH_S = 1;
const WINDOW_SEARCH_FRACTION = 0.005;
const MIN_WINDOW_NCC = 0.3;
const MIN_DRIFT_WINDOWS = 3;

function invalid(field: string, problem: string): StudioError {
  return new StudioError('INVALID_ARGUMENT', `autoSync: ${field} ${problem}`, { field });
}

function noMotion(where: 'video' | 'sensor', why: string): StudioError {
  return new StudioError('BAD_INPUT', `no usable motion in the ${where}: ${why}`, { field: where === 'video' ? 'motion' : 'accel' });
}

function notDistinct(why: string): StudioError {
  return new StudioError('BAD_INPUT', `no usable motion in the video/sensor: their activity has no distinct match (${why})`);
}

function checkInput(input: AutoSyncInput): void {
  for (const field of ['motionRate', 'accelRate'] as const) {
    if (!(Number.isFinite(input[field]) && input[field] > 0)) throw invalid(field, `must be a positive rate in Hz, got ${input[field]}`);
  }
  for (const field of ['motionStart', 'accelStart'] as const) {
    if (input[field] !== undefined && !Number.isFinite(input[field])) throw invalid(field, `must be a finite time in seconds, got ${input[field]}`);
  }
  if (input.maxOffset !== undefined && !(input.maxOffset >= 0)) throw invalid('maxOffset', `must be ≥ 0 seconds, got ${input.maxOffset}`);
  if (input.accel.length % 3 !== 0) throw invalid('accel', `has ${input.accel.length} values, not rows × 3`);
  for (const field of ['motion', 'accel'] as const) {
    const values = input[field];
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw invalid(field, `[${bad}] is ${values[bad]}, not a finite number`);
  }
}

/** Flat: every column varies only at rounding level next to the values' size. */
function isFlat(values: Float64Array, columns: number): boolean {
  for (let c = 0; c < columns; c++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = c; i < values.length; i += columns) {
      lo = Math.min(lo, values[i]);
      hi = Math.max(hi, values[i]);
    }
    if (hi - lo > 1e-9 * Math.max(Math.abs(lo), Math.abs(hi))) return false;
  }
  return true;
}

function checkUsable(input: AutoSyncInput): void {
  const videoSeconds = input.motion.length / input.motionRate;
  const sensorSeconds = input.accel.length / 3 / input.accelRate;
  if (videoSeconds < MIN_OVERLAP_S) throw noMotion('video', `${videoSeconds.toFixed(2)} s is too short to align (${MIN_OVERLAP_S} s at least)`);
  if (sensorSeconds < MIN_OVERLAP_S) throw noMotion('sensor', `${sensorSeconds.toFixed(2)} s is too short to align (${MIN_OVERLAP_S} s at least)`);
  if (isFlat(input.motion, 1)) throw noMotion('video', 'its motion energy is flat (nothing moves on screen)');
  if (isFlat(input.accel, 3)) throw noMotion('sensor', 'the accelerometer reads a constant (it did not move)');
}

/** Refuses a match that rests on a mostly-noise signal without strong evidence. */
function checkNoise(input: AutoSyncInput, significance: number): void {
  const weak = (snr: number) => snr < MIN_SIGNAL_TO_NOISE && significance < MIN_NOISY_SIGNIFICANCE;
  const why = (what: string, snr: number) =>
    `${what} mostly noise (signal/noise ${snr.toFixed(1)}), and the match is too weak to trust (${significance.toFixed(1)} standard errors, ${MIN_NOISY_SIGNIFICANCE} needed)`;
  const videoSnr = signalToNoise(input.motion, 1, input.motionRate);
  if (weak(videoSnr)) throw noMotion('video', why('its motion energy is', videoSnr));
  const sensorSnr = signalToNoise(input.accel, 3, input.accelRate);
  if (weak(sensorSnr)) throw noMotion('sensor', why('the accelerometer reads', sensorSnr));
}

function decimate(f: Features): Features {
  const blocks = (x: Float64Array) =>
    Float64Array.from({ length: Math.floor(x.length / DECIMATE) }, (_, k) => mean(x.subarray(k * DECIMATE, (k + 1) * DECIMATE)));
  return { speed: blocks(f.speed), change: blocks(f.change) };
}

function minOverlapOf(nx: number, ny: number, rate: number): number {
  return Math.max(Math.ceil(MIN_OVERLAP_FRACTION * Math.min(nx, ny)), Math.ceil(MIN_OVERLAP_S * rate));
}

/** The lags (samples at `rate`; offset = lag / rate + startGap) with enough overlap and within maxOffset. */
function lagRange(nx: number, ny: number, rate: number, startGap: number, maxOffset: number | undefined): [number, number] {
  const minOverlap = minOverlapOf(nx, ny, rate);
  let lo = minOverlap - nx;
  let hi = ny - minOverlap;
  if (maxOffset !== undefined) {
    lo = Math.max(lo, Math.ceil((-maxOffset - startGap) * rate));
    hi = Math.min(hi, Math.floor((maxOffset - startGap) * rate));
  }
  return [lo, hi];
}

/** The best local maximum outside the main peak's lobe (where the NCC stays above half the peak). */
function runnerUpIndex(ncc: Float64Array, peak: number, minLobe: number): number {
  const half = ncc[peak] / 2;
  let left = peak;
  while (left > 0 && ncc[left - 1] > half) left--;
  let right = peak;
  while (right < ncc.length - 1 && ncc[right + 1] > half) right++;
  left = Math.min(left, peak - minLobe);
  right = Math.max(right, peak + minLobe);
  let best = -1;
  for (let i = 0; i < ncc.length; i++) {
    if (i >= left && i <= right) continue;
    const v = ncc[i];
    const isLocalMax = Number.isFinite(v) && !(ncc[i - 1] > v) && !(ncc[i + 1] > v);
    if (isLocalMax && (best < 0 || v > ncc[best])) best = i;
  }
  return best;
}

interface Peak {
  /** samples at RATE, fractional */
  lag: number;
  ncc: number;
}

/** The best lag in [lo, hi], refined between samples; null when the best is at an end (the true peak may lie beyond). */
function refinedPeak(correlator: FeatureCorrelator, lo: number, hi: number, minOverlap: number, from?: number, to?: number): Peak | null {
  const ncc = correlator.scan(lo, hi, minOverlap, from, to);
  const k = argMax(ncc);
  if (k <= 0 || k >= ncc.length - 1 || !Number.isFinite(ncc[k - 1]) || !Number.isFinite(ncc[k + 1])) return null;
  return { lag: lo + k + parabolicPeak(ncc[k - 1], ncc[k], ncc[k + 1]), ncc: ncc[k] };
}

function signed(seconds: number): string {
  return `${seconds >= 0 ? '+' : ''}${seconds.toFixed(3)}`;
}

interface GlobalPeak extends Peak {
  /** at `rate`, or null when there is no other peak */
  runnerUp: { lag: number; ncc: number; rate: number } | null;
}

/**
 * The peak over every allowed lag: at RATE when that is affordable, otherwise at RATE / DECIMATE
 * and then at RATE near the coarse peak. The runner-up comes from the search over every lag.
 */
function globalPeak(video: Features, sensor: Features, correlator: FeatureCorrelator, startGap: number, maxOffset: number | undefined): GlobalPeak {
  const nx = video.speed.length;
  const ny = sensor.speed.length;
  const [lo, hi] = lagRange(nx, ny, RATE, startGap, maxOffset);
  if (lo > hi) throw notDistinct('no offset within maxOffset leaves enough of the two signals overlapping');
  const fullScan = (hi - lo + 1) * Math.min(nx, ny) <= FULL_SCAN_BUDGET;
  const rate = fullScan ? RATE : RATE / DECIMATE;
  const search = fullScan ? correlator : new FeatureCorrelator(decimate(video), decimate(sensor));
  const [slo, shi] = fullScan ? [lo, hi] : lagRange(search.videoLength, search.sensorLength, rate, startGap, maxOffset);
  const ncc = search.scan(slo, shi, minOverlapOf(search.videoLength, search.sensorLength, rate));
  const peak = argMax(ncc);
  if (peak < 0) throw notDistinct('the two signals never overlap where both vary');
  const other = runnerUpIndex(ncc, peak, Math.round(MIN_LOBE_S * rate));
  const runnerUp = other >= 0 ? { lag: slo + other, ncc: ncc[other], rate } : null;
  const centre = Math.round(((slo + peak) * RATE) / rate);
  const reach = fullScan ? 1 : Math.round(REFINE_REACH_S * RATE);
  const fine = refinedPeak(correlator, Math.max(lo, centre - reach), Math.min(hi, centre + reach), minOverlapOf(nx, ny, RATE));
  return { lag: fine?.lag ?? centre, ncc: fine?.ncc ?? ncc[peak], runnerUp };
}

export function autoSync(input: AutoSyncInput): AutoSyncResult {
  checkInput(input);
  checkUsable(input);
  const motionStart = input.motionStart ?? 0;
  const accelStart = input.accelStart ?? 0;
  // offset = sensor time − video time of the same moment = lag / rate + startGap
  const startGap = accelStart - motionStart;
  const video = motionFeatures(input.motion, input.motionRate);
  const sensor = accelFeatures(input.accel, input.accelRate);
  const correlator = new FeatureCorrelator(video, sensor);

  const peak = globalPeak(video, sensor, correlator, startGap, input.maxOffset);
  const offset = peak.lag / RATE + startGap;
  const runnerUp = peak.runnerUp ? { offset: peak.runnerUp.lag / peak.runnerUp.rate + startGap, ncc: peak.runnerUp.ncc } : null;
  const confidence = Math.max(0, peak.ncc - Math.max(0, runnerUp?.ncc ?? 0));
  if (peak.ncc < MIN_NCC || confidence < MIN_CONFIDENCE) {
    const next = runnerUp ? `, next best ${runnerUp.ncc.toFixed(2)} at ${signed(runnerUp.offset)} s` : '';
    throw notDistinct(`best NCC ${peak.ncc.toFixed(2)} at ${signed(offset)} s${next}`);
  }
  checkNoise(input, correlator.significance(peak.lag, peak.ncc));
  const constant: AutoSyncResult = { model: { offset, drift: 0 }, confidence, ncc: peak.ncc, runnerUp, driftEstimated: false, windows: [] };

  const span = overlapSeconds(correlator, peak.lag);
  if (!(input.estimateDrift ?? span >= MIN_DRIFT_SPAN_S)) return constant;
  if (span < MIN_DRIFT_SPAN_S) {
    throw new StudioError(
      'BAD_INPUT',
      `drift is not observable: the video and sensor overlap for ${span.toFixed(1)} s; estimating it needs at least ${MIN_DRIFT_SPAN_S} s`,
      { field: 'estimateDrift' },
    );
  }
  const windows = driftWindows(correlator, peak.lag, span).map(({ from, to, peak: p }) => ({
    start: from / RATE + motionStart,
    end: to / RATE + motionStart,
    offset: p ? p.lag / RATE + startGap : null,
    ncc: p?.ncc ?? null,
    used: p !== null && p.ncc >= MIN_WINDOW_NCC,
  }));
  const model = fitDrift(windows);
  if (model) return { ...constant, model, driftEstimated: true, windows };
  if (input.estimateDrift) {
    throw new StudioError('BAD_INPUT', `drift is not observable: fewer than ${MIN_DRIFT_WINDOWS} windows along the recording have distinct motion`, {
      field: 'estimateDrift',
    });
  }
  return { ...constant, windows };
}

/** Seconds of video that have sensor data at this lag. */
function overlapSeconds(correlator: FeatureCorrelator, lag: number): number {
  return (Math.min(correlator.videoLength, correlator.sensorLength - lag) - Math.max(0, -lag)) / RATE;
}

/** The local peak (null where none) in windows along the video's overlap with the sensor, each searched near the global lag. */
function driftWindows(correlator: FeatureCorrelator, lag: number, span: number) {
  const first = Math.max(0, Math.ceil(-lag));
  const last = Math.min(correlator.videoLength, Math.floor(correlator.sensorLength - lag));
  const length = WINDOW_S * RATE;
  const reach = Math.round(Math.max(WINDOW_SEARCH_S, WINDOW_SEARCH_FRACTION * span) * RATE);
  const centre = Math.round(lag);
  const windows: { from: number; to: number; peak: Peak | null }[] = [];
  for (let from = first; from < last - length / 2; from += WINDOW_STEP_S * RATE) {
    // the last window ends at the overlap's end, so the tail is covered too
    const start = Math.min(from, Math.max(first, last - length));
    const to = Math.min(last, start + length);
    // at lags off the global one a window may slide partly off the sensor: 80 % of it must stay
    windows.push({ from: start, to, peak: refinedPeak(correlator, centre - reach, centre + reach, Math.round(0.8 * (to - start)), start, to) });
    if (to === last) break;
  }
  return windows;
}

/**
 * The line through the windows' offsets against video time (slope = drift), fitted twice: the
 * second time without the windows far off the first line (a wrong peak in a repetitive stretch).
 */
function fitDrift(windows: SyncWindow[]): ClockModel | null {
  // used windows all have an offset
  const anchorsOf = (list: SyncWindow[]) => list.map((w) => ({ video: (w.start + w.end) / 2, sensor: (w.start + w.end) / 2 + (w.offset as number) }));
  let used = windows.filter((w) => w.used);
  if (used.length < MIN_DRIFT_WINDOWS) return null;
  const first = fitAnchors(anchorsOf(used));
  const deviations = first.residuals.map(Math.abs);
  const median = [...deviations].sort((a, b) => a - b)[Math.floor(deviations.length / 2)];
  // 1.4826 × the median absolute deviation estimates a standard deviation robustly
  const limit = Math.max(5 * 1.4826 * median, 2 / RATE);
  used.forEach((w, i) => {
    if (deviations[i] > limit) w.used = false;
  });
  used = windows.filter((w) => w.used);
  if (used.length < MIN_DRIFT_WINDOWS) return null;
  return fitAnchors(anchorsOf(used)).model;
}
