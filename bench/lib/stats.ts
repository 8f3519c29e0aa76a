/**
 * The few statistics the report needs. Percentiles use the nearest-rank method on a sorted copy,
 * so p99 of 5,000 samples is a real observed value, not an interpolation.
 */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** The middle value; for an even count, the mean of the two middle ones (rounds are few). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface LatencySummary { p50: number; p99: number; mean: number }

export function summarize(values: ArrayLike<number>): LatencySummary {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return { p50: percentile(values, 50), p99: percentile(values, 99), mean: sum / values.length };
}

/** a / b, or NaN when b is not a usable divisor (the report prints "n/a"). */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN;
}
