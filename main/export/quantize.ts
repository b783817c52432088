/**
 * Lower-precision storage of a model's parameters: IEEE 754 half floats, and symmetric int8 per output
 * channel (the weight-only scheme: value ≈ scale[c] × q, zero point 0, q in [-127, 127]).
 */

const f32 = new Float32Array(1);
const bits32 = new Uint32Array(f32.buffer);

/** The float16 bit pattern nearest `value` (round to nearest, ties to even; overflow → ±Inf). */
export function float16Bits(value: number): number {
  f32[0] = value;
  const x = bits32[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // a half subnormal, m × 2^-24: the full significand shifted right by 14 − e
    if (e < -10) return sign;
    return sign | roundShift(mantissa | 0x800000, 14 - e);
  }
  // a carry out of the mantissa rounds into the exponent, and past the largest finite half into Inf
  return (sign | (e << 10)) + roundShift(mantissa, 13);
}

/** value >> shift, rounded to nearest with ties to even. */
function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept;
}

/** Little-endian float16 bytes of `values`. */
export function toFloat16Bytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  for (let k = 0; k < values.length; k++) view.setUint16(2 * k, float16Bits(values[k]), true);
  return out;
}

export interface Int8Weights {
  /** q, row-major like the input */
  values: Int8Array;
  /** one scale per output channel (axis 0) */
  scales: Float32Array;
}

/**
 * Symmetric int8 per output channel of a tensor whose first axis is the output channel:
 * scale = max|w| / 127 over the channel (1 for an all-zero channel, so it stays exactly zero).
 */
export function quantizeInt8PerChannel(values: Float32Array, channels: number): Int8Weights {
  const per = values.length / channels;
  const q = new Int8Array(values.length);
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    let max = 0;
    for (let k = c * per; k < (c + 1) * per; k++) max = Math.max(max, Math.abs(values[k]));
    scales[c] = max > 0 ? max / 127 : 1;
    // divide by the stored (float32) scale, so q × scale reproduces the weight as closely as it can
    for (let k = c * per; k < (c + 1) * per; k++) q[k] = Math.max(-127, Math.min(127, Math.round(values[k] / scales[c])));
  }
  return { values: q, scales };
}
