/**
 * Where a sensor stream's rows lie in time: row r at r / rate, or at its own timestamp. No Node
 * imports: the server's sensor windows and the renderer's traces cut time ranges into rows the same way.
 */
export interface RowClock {
  rows: number;
  rate: number;
  /** each row's time (s); null when row r lies at r / rate */
  times: Float64Array | null;
}

export function rowTime(clock: RowClock, row: number): number {
  return clock.times ? clock.times[row] : row / clock.rate;
}

/** The first row at or after time t: 0 … rows. */
export function rowAtOrAfter(clock: RowClock, t: number): number {
  if (!clock.times) return Math.min(clock.rows, Math.max(0, Math.ceil(t * clock.rate - 1e-9)));
  let lo = 0;
  let hi = clock.rows;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (clock.times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
