/**
 * The exactly-once checks fail on each way a delivery can go wrong: missing, twice, out of order.
 */
import { describe, expect, it } from 'vitest';
import { assertExactlyOnce, assertHandledOnce, compareOnce, pageMatchers } from '../../../src/testing/index.js';

expect.extend(pageMatchers);
const report = (answers: Record<number, number>, sent: number) => ({
  report: () => {
    const missing = [...Array(sent).keys()].map((i) => i + 1).filter((s) => !answers[s]);
    const duplicated = Object.keys(answers).map(Number).filter((s) => answers[s]! > 1);
    return { sent, missing, duplicated, ok: !missing.length && !duplicated.length };
  },
});

describe('exactly once', () => {
  it('accepts each item once, in order', () => {
    expect(compareOnce([1, 2, 3], [1, 2, 3]).ok).toBe(true);
    expect([{ i: 1 }, { i: 2 }]).toHoldEachOnce([{ i: 1 }, { i: 2 }]);
  });

  it('names what is missing, doubled, unexpected or out of order', () => {
    expect(compareOnce([1, 3], [1, 2, 3])).toMatchObject({ ok: false, missing: [2] });
    expect(compareOnce([1, 2, 2, 3], [1, 2, 3])).toMatchObject({ ok: false, duplicated: [2] });
    expect(compareOnce([1, 2, 3, 9], [1, 2, 3])).toMatchObject({ ok: false, duplicated: [9] });
    expect(compareOnce([2, 1, 3], [1, 2, 3])).toMatchObject({ ok: false, outOfOrder: [1, 2] });
    expect(() => assertExactlyOnce([1, 1], [1])).toThrow(/more than once or unexpected \[1\]/);
    expect([1, 3]).not.toHoldEachOnce([1, 2, 3]);
  });

  it('checks a client\'s answers per event: none, or two, fail', () => {
    expect(report({ 1: 1, 2: 1 }, 2)).toHaveHandledEachEventOnce();
    expect(report({ 1: 1 }, 2)).not.toHaveHandledEachEventOnce();
    expect(() => assertHandledOnce(report({ 1: 1, 2: 2 }, 2))).toThrow(/more than one for \[2\]/);
    expect(() => assertHandledOnce(report({ 2: 1 }, 2))).toThrow(/no answer for \[1\]/);
  });
});
