/**
 * Number formatting for the report tables: fixed, locale-independent, so two result files diff cleanly.
 */
export function int(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function fixed(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

/** A ratio as "0.42×". */
export function times(n: number): string {
  return Number.isFinite(n) ? `${n.toFixed(2)}×` : 'n/a';
}

/** Bytes as B / KiB / MiB, signed (memory deltas can be negative after a GC). */
export function bytes(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  const abs = Math.abs(n);
  if (abs >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (abs >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${Math.round(n)} B`;
}

/** A per-round ratio as "0.42× (0.40–0.45)": median, then the range over rounds. */
export function timesRange(r: { median: number; min: number; max: number }): string {
  if (!Number.isFinite(r.median)) return 'n/a';
  if (r.min === r.max) return times(r.median);
  return `${times(r.median)} (${r.min.toFixed(2)}–${r.max.toFixed(2)})`;
}
