/**
 * Gramian Angular Field images of time series (the student's input).
 *
 * Default ('pyts') semantics follow pyts' GramianAngularField (the definition and golden vectors
 * are in the shared reference gaf.md): PAA to `size` values, min-max to sampleRange, c = cos φ,
 * s = sin φ = sqrt(clip(1 - c², 0, 1)), GASF = c_i c_j − s_i s_j, GADF = s_i c_j − c_i s_j.
 *
 * The 'vskd' variant mirrors VSKD's MATLAB images: no PAA (full n×n), each channel's image
 * rescaled to [0, 1], GADF negated (its arcsin convention), then bilinear-resized to size×size.
 *
 * Decisions:
 * - A constant channel (max == min) scales to the midpoint of sampleRange (0 for [-1, 1]),
 *   the fixed point of the scaling under x → −x. Likewise a constant vskd image (range below
 *   1e-9, e.g. the GADF of a two-valued series) becomes 0.5.
 * - With fewer samples than `size`, pyts raises an error; here the pyts variant's n×n image is
 *   bilinearly resized up to size×size (as the vskd variant does), so every series gives size×size.
 */
import { StudioError } from './errors.ts';
import type { gafMethods, gafVariants } from './trainSettings.ts';

export type GafMethod = (typeof gafMethods)[number];
export type GafVariant = (typeof gafVariants)[number];

export interface GafOptions {
  /** side N of each channel's N×N image (integer ≥ 1) */
  size: number;
  /** 'summation' → GASF, 'difference' → GADF */
  method: GafMethod;
  /** min-max target of each channel, with -1 ≤ a < b ≤ 1 (default [-1, 1]); both variants */
  sampleRange?: readonly [number, number];
  /** pyts' overlapping PAA windows (all equally long); ignored by the vskd variant */
  overlapping?: boolean;
  /** 'pyts' (default) or 'vskd' */
  variant?: GafVariant;
}

/** A numeric matrix stored row-major (T rows × C columns), as sensor files are read. */
export type RowMajorData = Float64Array | Float32Array;

interface ResolvedOptions {
  size: number;
  method: GafMethod;
  low: number;
  high: number;
  overlapping: boolean;
  variant: GafVariant;
}

/** One channel read in place: `n` samples at data[offset + k * stride]. */
interface StridedSignal {
  data: ArrayLike<number>;
  offset: number;
  stride: number;
  n: number;
  /** the argument that holds it, for INVALID_ARGUMENT's field */
  field: string;
  /** how a message names the channel */
  name: string;
  /** how a message names sample k */
  describe: (k: number) => string;
}

function invalid(field: string, message: string): StudioError {
  return new StudioError('INVALID_ARGUMENT', message, { field });
}

function isPositiveInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1;
}

function resolveOptions(opts: GafOptions): ResolvedOptions {
  if (opts === null || typeof opts !== 'object') throw invalid('opts', 'GAF options must be an object');
  const { size, method, sampleRange, overlapping, variant } = opts;
  if (!isPositiveInteger(size)) throw invalid('size', `size must be an integer ≥ 1 (got ${String(size)})`);
  if (method !== 'summation' && method !== 'difference') {
    throw invalid('method', `method must be 'summation' or 'difference' (got ${String(method)})`);
  }
  if (variant !== undefined && variant !== 'pyts' && variant !== 'vskd') {
    throw invalid('variant', `variant must be 'pyts' or 'vskd' (got ${String(variant)})`);
  }
  if (overlapping !== undefined && typeof overlapping !== 'boolean') {
    throw invalid('overlapping', 'overlapping must be a boolean');
  }
  let low = -1;
  let high = 1;
  if (sampleRange !== undefined) {
    if (!Array.isArray(sampleRange) || sampleRange.length !== 2) {
      throw invalid('sampleRange', 'sampleRange must be a pair [a, b]');
    }
    [low, high] = sampleRange;
    // pyts' rule: c must stay a cosine, so the range lies inside [-1, 1]
    if (!(typeof low === 'number' && typeof high === 'number' && -1 <= low && low < high && high <= 1)) {
      throw invalid('sampleRange', `sampleRange must satisfy -1 ≤ a < b ≤ 1 (got [${String(low)}, ${String(high)}])`);
    }
  }
  return { size, method, low, high, overlapping: overlapping ?? false, variant: variant ?? 'pyts' };
}

function assertFiniteSamples(sig: StridedSignal): void {
  const { data, offset, stride, n } = sig;
  for (let k = 0; k < n; k++) {
    const v = data[offset + k * stride];
    if (!Number.isFinite(v)) {
      throw invalid(sig.field, `${sig.describe(k)} is ${String(v)}: GAF samples must be finite numbers`);
    }
  }
}

/** numpy's floor(linspace(0, stop, num))[k] for non-negative stop, bit for bit (i * step, last = stop). */
function linspaceFloor(stop: number, num: number, k: number): number {
  if (num > 1 && k === num - 1) return stop;
  const div = num - 1;
  if (div <= 0) return 0;
  const step = stop / div;
  return Math.trunc(step === 0 ? (k / div) * stop : k * step);
}

/** pyts' PAA window length: ceil(n / size); 1 means the series is kept unchanged. */
function paaWindowLength(n: number, size: number): number {
  return Math.floor(n / size) + (n % size > 0 ? 1 : 0);
}

function readStrided(sig: StridedSignal): Float64Array {
  const { data, offset, stride, n } = sig;
  const copy = new Float64Array(n);
  for (let k = 0; k < n; k++) copy[k] = data[offset + k * stride];
  return copy;
}

function paaStrided(sig: StridedSignal, size: number, overlapping: boolean): Float64Array {
  const { data, offset, stride, n } = sig;
  const w = paaWindowLength(n, size);
  if (w === 1) return readStrided(sig);
  const out = new Float64Array(size);
  const shift = size * w - n;
  for (let k = 0; k < size; k++) {
    // non-overlapping: bounds floor(linspace(0, n, size + 1)); overlapping: w-long windows pulled left
    const start = overlapping ? k * w - linspaceFloor(shift, size, k) : linspaceFloor(n, size + 1, k);
    const end = overlapping ? start + w : linspaceFloor(n, size + 1, k + 1);
    let sum = 0;
    for (let t = start; t < end; t++) sum += data[offset + t * stride];
    out[k] = sum / (end - start);
  }
  return out;
}

/**
 * Piecewise Aggregate Approximation (pyts): the means of `size` windows of x.
 * When size ≥ x.length the series comes back unchanged (as a copy).
 */
export function paa(x: ArrayLike<number>, size: number, overlapping = false): Float64Array {
  if (!isPositiveInteger(size)) throw invalid('size', `size must be an integer ≥ 1 (got ${String(size)})`);
  if (x === null || typeof x !== 'object' || !(x.length >= 1)) throw invalid('x', 'x must hold at least one sample');
  const sig: StridedSignal = { data: x, offset: 0, stride: 1, n: x.length, field: 'x', name: 'x', describe: (k) => `x[${k}]` };
  assertFiniteSamples(sig);
  return paaStrided(sig, size, overlapping);
}

/** Min-max scales v in place to [low, high]; a constant series goes to the midpoint. */
export function minMaxScale(v: Float64Array, low: number, high: number): Float64Array {
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < v.length; k++) {
    if (v[k] < min) min = v[k];
    if (v[k] > max) max = v[k];
  }
  if (max === min) return v.fill((low + high) / 2);
  const range = max - min;
  const span = high - low;
  for (let k = 0; k < v.length; k++) v[k] = ((v[k] - min) / range) * span + low;
  return v;
}

/** sin φ for c = cos φ, φ in [0, π]; clipped because scaled values may stray past ±1 by rounding. */
function sineOf(c: number): number {
  const v = 1 - c * c;
  return Math.sqrt(v < 0 ? 0 : v > 1 ? 1 : v);
}

function sinesOf(c: Float64Array): Float64Array {
  const s = new Float64Array(c.length);
  for (let k = 0; k < c.length; k++) s[k] = sineOf(c[k]);
  return s;
}

/**
 * Writes scale · G + shift, clamped to [low, high], for the m×m Gramian G of (c, s) at out[offset…]:
 * GASF c_i c_j − s_i s_j or GADF s_i c_j − c_i s_j. Only the upper triangle is computed (GASF is
 * symmetric, GADF antisymmetric); measured faster than full rows or a tiled mirror for m ≤ 224.
 * The affine map keeps the vskd rescale in double precision; the clamp catches rounding strays
 * (cheaper here than in a second pass). A negative scale negates GADF.
 */
function renderGramian(
  c: Float64Array,
  s: Float64Array,
  method: GafMethod,
  affine: { scale: number; shift: number; low: number; high: number },
  out: Float32Array,
  offset: number,
): void {
  const { scale, shift, low, high } = affine;
  const m = c.length;
  for (let i = 0; i < m; i++) {
    const ci = c[i];
    const si = s[i];
    const row = offset + i * m;
    if (method === 'summation') {
      out[row + i] = Math.min(high, Math.max(low, (ci * ci - si * si) * scale + shift));
      for (let j = i + 1; j < m; j++) {
        const v = Math.min(high, Math.max(low, (ci * c[j] - si * s[j]) * scale + shift));
        out[row + j] = v;
        out[offset + j * m + i] = v;
      }
    } else {
      out[row + i] = shift;
      for (let j = i + 1; j < m; j++) {
        const g = (si * c[j] - ci * s[j]) * scale;
        out[row + j] = Math.min(high, Math.max(low, shift + g));
        out[offset + j * m + i] = Math.min(high, Math.max(low, shift - g));
      }
    }
  }
}

/** Below this the vskd rescale would only magnify rounding noise: such an image counts as constant. */
const FLAT_RANGE = 1e-9;

/**
 * [min, max] over the full n×n Gramian without visiting its n² pairs. With φ = arccos c in
 * ascending order, GASF = cos(φ_i + φ_j) peaks at the extreme sums 2φ_first, 2φ_last and bottoms
 * out at the sum nearest π; |GADF| = |sin(φ_j − φ_i)| peaks at the difference nearest π/2 (GADF's
 * range is symmetric, so its sign does not matter). Two pointers find each nearest pair in O(n).
 * The values come from the renderer's own c/s products (s is a function of c, so sorting c
 * suffices), so the extreme pixels map exactly to 0 and 1.
 */
function gramianRange(c: Float64Array, method: GafMethod): [number, number] {
  const n = c.length;
  const cSorted = Float64Array.from(c).sort().reverse(); // c descending = φ ascending
  const phi = new Float64Array(n);
  for (let k = 0; k < n; k++) phi[k] = Math.acos(Math.min(1, Math.max(-1, cSorted[k])));

  if (method === 'difference') {
    const [i, j] = nearestDifference(phi, Math.PI / 2);
    const maxAbs = Math.abs(sineOf(cSorted[i]) * cSorted[j] - cSorted[i] * sineOf(cSorted[j]));
    return [-maxAbs, maxAbs];
  }
  const gasf = (i: number, j: number): number => cSorted[i] * cSorted[j] - sineOf(cSorted[i]) * sineOf(cSorted[j]);
  const [lo, hi] = nearestSum(phi, Math.PI);
  return [gasf(lo, hi), Math.max(gasf(0, 0), gasf(n - 1, n - 1))];
}

/** Positions [i, j] (i ≤ j) of the sum phi[i] + phi[j] nearest target, phi ascending. */
function nearestSum(phi: Float64Array, target: number): [number, number] {
  let best: [number, number] = [0, 0];
  let bestGap = Infinity;
  for (let lo = 0, hi = phi.length - 1; lo <= hi;) {
    const sum = phi[lo] + phi[hi];
    if (Math.abs(sum - target) < bestGap) {
      bestGap = Math.abs(sum - target);
      best = [lo, hi];
    }
    if (sum < target) lo++;
    else hi--;
  }
  return best;
}

/** Positions [i, j] (i ≤ j) of the difference phi[j] − phi[i] nearest target ≥ 0, phi ascending. */
function nearestDifference(phi: Float64Array, target: number): [number, number] {
  let best: [number, number] = [0, 0];
  let bestGap = Infinity;
  for (let i = 0, j = 0; j < phi.length;) {
    const diff = phi[j] - phi[i];
    if (Math.abs(diff - target) < bestGap) {
      bestGap = Math.abs(diff - target);
      best = [i, j];
    }
    if (diff < target || i === j) j++;
    else i++;
  }
  return best;
}

/**
 * Bilinear resampling of a vector to `size` points with half-pixel centres (OpenCV / PyTorch
 * align_corners=false, no antialiasing). Resizing G = c cᵀ − s sᵀ with the same map R on both axes
 * gives (Rc)(Rc)ᵀ − (Rs)(Rs)ᵀ, so resizing the vectors resizes the image without forming n×n.
 */
export function resampleLinear(v: Float64Array, size: number): Float64Array {
  const n = v.length;
  if (n === size) return v;
  const out = new Float64Array(size);
  const ratio = n / size;
  for (let d = 0; d < size; d++) {
    const src = Math.max(0, (d + 0.5) * ratio - 0.5);
    const i0 = Math.floor(src);
    if (i0 >= n - 1) {
      out[d] = v[n - 1];
      continue;
    }
    const t = src - i0;
    out[d] = v[i0] * (1 - t) + v[i0 + 1] * t;
  }
  return out;
}

function renderChannel(sig: StridedSignal, o: ResolvedOptions, out: Float32Array, offset: number): void {
  const c = o.variant === 'pyts' ? paaStrided(sig, o.size, o.overlapping) : readStrided(sig);
  minMaxScale(c, o.low, o.high);
  const s = sinesOf(c);
  const cs = resampleLinear(c, o.size);
  const ss = resampleLinear(s, o.size);
  if (o.variant === 'pyts') {
    // with fewer samples than size, PAA keeps the n values and this resizes the n×n image up
    renderGramian(cs, ss, o.method, { scale: 1, shift: 0, low: -1, high: 1 }, out, offset);
    return;
  }
  // vskd: (±G − min) / (max − min) over the full n×n image, GADF negated (arcsin convention);
  // the rescale is affine, so applying it to the resized image gives the same result
  const [min, max] = gramianRange(c, o.method);
  const flat = !(max - min > FLAT_RANGE);
  const scale = flat ? 0 : 1 / (max - min);
  const shift = flat ? 0.5 : -min * scale;
  const signedScale = o.method === 'difference' ? -scale : scale;
  renderGramian(cs, ss, o.method, { scale: signedScale, shift, low: 0, high: 1 }, out, offset);
}

/**
 * Checks every channel before writing any, so a bad channel leaves out untouched, then renders
 * them channel-major at out[outOffset…] (a fresh array when out is not given).
 */
function renderChannels(signals: readonly StridedSignal[], o: ResolvedOptions, out: Float32Array | undefined, outOffset: number): Float32Array {
  for (const sig of signals) {
    if (!(sig.n >= 1)) throw invalid(sig.field, `${sig.name} has no samples`);
    assertFiniteSamples(sig);
  }
  const pixels = o.size * o.size;
  const target = outputBuffer(out, outOffset, signals.length * pixels);
  signals.forEach((sig, ch) => renderChannel(sig, o, target, outOffset + ch * pixels));
  return target.subarray(outOffset, outOffset + signals.length * pixels);
}

function outputBuffer(out: Float32Array | undefined, outOffset: number, length: number): Float32Array {
  if (!Number.isInteger(outOffset) || outOffset < 0) {
    throw invalid('outOffset', `outOffset must be an integer ≥ 0 (got ${String(outOffset)})`);
  }
  if (out === undefined) {
    if (outOffset !== 0) throw invalid('outOffset', 'outOffset needs an out buffer');
    return new Float32Array(length);
  }
  if (!(out instanceof Float32Array)) throw invalid('out', 'out must be a Float32Array');
  if (out.length - outOffset < length) {
    throw invalid('out', `out holds ${out.length} values; ${length} are needed from offset ${outOffset}`);
  }
  return out;
}

/**
 * One channel's N×N GAF image (N = opts.size), row-major, written at out[outOffset…] when out is
 * given. Returns a view of exactly the written N×N values.
 */
export function gafChannel(x: ArrayLike<number>, opts: GafOptions, out?: Float32Array, outOffset = 0): Float32Array {
  const o = resolveOptions(opts);
  if (x === null || typeof x !== 'object') throw invalid('x', 'x must be an array of samples');
  const sig: StridedSignal = { data: x, offset: 0, stride: 1, n: x.length, field: 'x', name: 'x', describe: (k) => `x[${k}]` };
  return renderChannels([sig], o, out, outOffset);
}

/**
 * A C×N×N GAF image, channel-major (for the student: accelerometer x, y, z), written at
 * out[outOffset…] when out is given so many images can share one batch buffer.
 * Returns a view of exactly the written C·N·N values.
 */
export function gafImage(channels: readonly ArrayLike<number>[], opts: GafOptions, out?: Float32Array, outOffset = 0): Float32Array {
  const o = resolveOptions(opts);
  if (!Array.isArray(channels) || channels.length === 0) throw invalid('channels', 'channels must be a non-empty array');
  const signals = channels.map((x, ch): StridedSignal => {
    if (x === null || typeof x !== 'object') throw invalid('channels', `channels[${ch}] must be an array of samples`);
    return {
      data: x,
      offset: 0,
      stride: 1,
      n: x.length,
      field: 'channels',
      name: `channels[${ch}]`,
      describe: (k) => `channels[${ch}][${k}]`,
    };
  });
  return renderChannels(signals, o, out, outOffset);
}

/**
 * The C×N×N GAF image of selected columns of a row-major rows×cols matrix (e.g. columns [0, 1, 2]
 * of UTD-MHAD's d_iner, the accelerometer). Columns are read in place with a stride: each is copied
 * once, into its PAA (or scaled) vector.
 */
export function gafFromRows(
  data: RowMajorData,
  rows: number,
  cols: number,
  columns: readonly number[],
  opts: GafOptions,
  out?: Float32Array,
  outOffset = 0,
): Float32Array {
  const o = resolveOptions(opts);
  if (!(data instanceof Float64Array || data instanceof Float32Array)) {
    throw invalid('data', 'data must be a Float64Array or Float32Array');
  }
  if (!isPositiveInteger(rows)) throw invalid('rows', `rows must be an integer ≥ 1 (got ${String(rows)})`);
  if (!isPositiveInteger(cols)) throw invalid('cols', `cols must be an integer ≥ 1 (got ${String(cols)})`);
  if (data.length !== rows * cols) {
    throw invalid('data', `data holds ${data.length} values, not rows × cols = ${rows * cols}`);
  }
  if (!Array.isArray(columns) || columns.length === 0) throw invalid('columns', 'columns must be a non-empty array');
  columns.forEach((col, k) => {
    if (!Number.isInteger(col) || col < 0 || col >= cols) {
      throw invalid('columns', `columns[${k}] = ${String(col)} is not a column index in [0, ${cols})`);
    }
  });
  const signals = columns.map((col): StridedSignal => ({
    data,
    offset: col,
    stride: cols,
    n: rows,
    field: 'data',
    name: `data column ${col}`,
    describe: (k) => `data row ${k}, column ${col}`,
  }));
  return renderChannels(signals, o, out, outOffset);
}
