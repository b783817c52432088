/**
 * The samples a segment gives: itself whole, or windows of a fixed length every stride seconds
 * inside it (sliding windows, the usual practice in activity recognition). A window never runs past
 * the segment's end, so a segment shorter than the window gives none.
 */
export interface WindowSpec {
  seconds: number;
  stride: number;
}

/** a window may end this far past the segment's end: k · stride rounds */
const SLACK = 1e-9;

/** Spans [start, end) in the segment's own seconds. */
export function windowsIn(start: number, end: number, spec: WindowSpec | null): { start: number; end: number }[] {
  if (!spec) return end > start ? [{ start, end }] : [];
  const spans: { start: number; end: number }[] = [];
  // k · stride rather than a running sum, so a long segment's windows do not drift
  for (let k = 0; start + k * spec.stride + spec.seconds <= end + SLACK; k++) {
    const at = start + k * spec.stride;
    spans.push({ start: at, end: at + spec.seconds });
  }
  return spans;
}
