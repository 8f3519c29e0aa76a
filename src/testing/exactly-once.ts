/**
 * Checks that a page handled each event exactly once: from the client's side (every event sent got
 * exactly one answer, `re` in docs/protocol.md) and from the page's side (a log the page kept holds
 * each expected item once, in order).
 */
import type { PageClient } from './page-client.js';

export interface OnceReport {
  ok: boolean;
  missing: unknown[];
  duplicated: unknown[];
  /** Items present once but not where expected. */
  outOfOrder: unknown[];
}

/** Compares what a page logged with what was sent: each item once, in the same order. */
export function compareOnce(log: readonly unknown[], expected: readonly unknown[]): OnceReport {
  const key = (x: unknown) => JSON.stringify(x);
  const counts = new Map<string, number>();
  for (const item of log) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  const wanted = new Map(expected.map((x) => [key(x), x] as const));
  const missing = expected.filter((x) => !counts.has(key(x)));
  const duplicated = [...expected.filter((x) => (counts.get(key(x)) ?? 0) > 1), ...log.filter((x) => !wanted.has(key(x)))];
  // First occurrences, in the order the page saw them, against the expected order.
  const seen = [...new Set(log.map(key))].filter((k) => wanted.has(k));
  const present = expected.map(key).filter((k) => counts.has(k));
  const outOfOrder = present.filter((k, i) => seen[i] !== k).map((k) => wanted.get(k));
  return { ok: !missing.length && !duplicated.length && !outOfOrder.length, missing, duplicated, outOfOrder };
}

/** Throws, naming the event numbers, unless every event `client` sent was answered exactly once. */
export function assertHandledOnce(client: Pick<PageClient, 'report'>): void {
  const r = client.report();
  if (!r.ok) {
    throw new Error(`Expected each of ${r.sent} events to be handled exactly once; no answer for ${JSON.stringify(r.missing)}, more than one for ${JSON.stringify(r.duplicated)}.`);
  }
}

/** Throws unless `log` holds each of `expected` exactly once, in order. */
export function assertExactlyOnce(log: readonly unknown[], expected: readonly unknown[]): void {
  const r = compareOnce(log, expected);
  if (!r.ok) {
    throw new Error(`Expected each item exactly once, in order; missing ${JSON.stringify(r.missing.slice(0, 20))}, more than once or unexpected ${JSON.stringify(r.duplicated.slice(0, 20))}, out of order ${JSON.stringify(r.outOfOrder.slice(0, 20))}.`);
  }
}

type MatcherResult = { pass: boolean; message: () => string };
const result = (fn: () => void, negated: string): MatcherResult => {
  try {
    fn();
    return { pass: true, message: () => negated };
  } catch (err) {
    return { pass: false, message: () => (err as Error).message };
  }
};

/**
 * Matchers for `expect.extend(pageMatchers)` (vitest, or jest):
 * `expect(client).toHaveHandledEachEventOnce()` and `expect(log).toHoldEachOnce(expected)`.
 */
export const pageMatchers = {
  toHaveHandledEachEventOnce(received: Pick<PageClient, 'report'>): MatcherResult {
    return result(() => assertHandledOnce(received), 'Expected some event not to be handled exactly once, but each was.');
  },
  toHoldEachOnce(received: readonly unknown[], expected: readonly unknown[]): MatcherResult {
    return result(() => assertExactlyOnce(received, expected), 'Expected the log not to hold each item exactly once, but it did.');
  },
};

declare module 'vitest' {
  // Vitest's own declaration has the default `T = any`; a merge must repeat it.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  interface Matchers<T = any> {
    /** Every event the client sent was answered exactly once (after `await client.settled()`). */
    toHaveHandledEachEventOnce(): T;
    /** The log holds each expected item exactly once, in order. */
    toHoldEachOnce(expected: readonly unknown[]): T;
  }
}
