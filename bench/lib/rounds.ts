/**
 * Interleaved comparison on a noisy machine. Targets take turns in many short rounds instead of
 * one long run each, in serpentine order (A B C, C B A, A B C, …) so that a slow drift — a
 * neighbour's job starting, the server's JIT settling — favours no target. A ratio is taken per
 * round between runs that were adjacent in time, and the median of those per-round ratios is
 * reported with their range, so the reader can see how much the machine moved under the figure.
 */
import { median } from './stats.js';

export async function interleave<T extends string, R>(
  targets: readonly T[],
  rounds: number,
  runOne: (target: T, round: number) => Promise<R>,
): Promise<Map<T, R[]>> {
  const results = new Map<T, R[]>(targets.map((t) => [t, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) results.get(target)!.push(await runOne(target, round));
  }
  return results;
}

/** The median of one metric over a target's rounds. */
export function medianOf<R>(samples: readonly R[], metric: (r: R) => number): number {
  return median(samples.map(metric));
}

export interface PairedRatio { median: number; min: number; max: number }

/** metric(target) ÷ metric(peer), round by round. */
export function pairedRatio<T extends string, R>(results: Map<T, R[]>, target: T, peer: T, metric: (r: R) => number): PairedRatio {
  const a = results.get(target)!;
  const b = results.get(peer)!;
  const ratios = a.map((r, i) => metric(r) / metric(b[i]!)).filter(Number.isFinite);
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}
