/** How times and numbers read in the recording view. */

/** seconds as "12.345 s", or "1:02:03.4" past a minute */
export function seconds(t: number, digits = 3): string {
  if (!Number.isFinite(t)) return '—';
  const sign = t < 0 ? '−' : '';
  const abs = Math.abs(t);
  if (abs < 60) return `${sign}${abs.toFixed(digits)} s`;
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = (abs % 60).toFixed(Math.min(digits, 1)).padStart(digits > 0 ? 4 : 2, '0');
  return h ? `${sign}${h}:${String(m).padStart(2, '0')}:${s}` : `${sign}${m}:${s}`;
}

/** a signed offset: "+1.234 s" */
export const signedSeconds = (t: number, digits = 3) => `${t >= 0 ? '+' : '−'}${Math.abs(t).toFixed(digits)} s`;

export const ppm = (drift: number) => `${drift >= 0 ? '+' : '−'}${Math.abs(drift * 1e6).toFixed(1)} ppm`;

/** The tick step (1, 2 or 5 × 10^k) that puts about `count` ticks over `span`. */
export function tickStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  return (scaled < 1.5 ? 1 : scaled < 3.5 ? 2 : scaled < 7.5 ? 5 : 10) * power;
}

/** a tick label with as many decimals as the step needs */
export function tickLabel(value: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return (Math.abs(value) < step / 2 ? 0 : value).toFixed(decimals);
}
