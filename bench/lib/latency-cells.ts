/**
 * Latency cells for the HTTP tables. autocannon records whole milliseconds, so a sub-millisecond
 * percentile prints as "<1".
 */
import type { LoadResult } from './http-load.js';
import { medianOf } from './rounds.js';
import { fixed } from './format.js';

const ms = (n: number) => (n === 0 ? '<1' : fixed(n, 0));

export function latencyCells(results: readonly LoadResult[]): [string, string] {
  return [ms(medianOf(results, (r) => r.p50)), ms(medianOf(results, (r) => r.p99))];
}
