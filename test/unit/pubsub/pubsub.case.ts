/**
 * The conformance suite every PubSub implementation must pass (memory now; a distributed one later
 * runs the same cases with its own factory).
 */
import { describe, expect, it } from 'vitest';
import type { PubSub } from '../../../src/pubsub/pubsub.js';

export function runPubSubCases(name: string, newPubSub: () => PubSub | Promise<PubSub>): void {
  describe(`PubSub conformance: ${name}`, () => {
    it('delivers a publish to every subscriber of the topic, and to no other topic', async () => {
      const ps = await newPubSub();
      const a: unknown[] = [];
      const b: unknown[] = [];
      const other: unknown[] = [];
      ps.subscribe('room:1', (d) => a.push(d));
      ps.subscribe('room:1', (d) => b.push(d));
      ps.subscribe('room:2', (d) => other.push(d));
      ps.publish('room:1', { text: 'hi' });
      await expect.poll(() => a.length + b.length).toBe(2);
      expect(a).toEqual([{ text: 'hi' }]);
      expect(b).toEqual([{ text: 'hi' }]);
      expect(other).toEqual([]);
      await ps.close();
    });

    it('keeps publish order per topic', async () => {
      const ps = await newPubSub();
      const got: number[] = [];
      ps.subscribe('t', (d) => got.push(d as number));
      for (let i = 1; i <= 100; i++) ps.publish('t', i);
      await expect.poll(() => got.length).toBe(100);
      expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      await ps.close();
    });

    it('stops delivering after unsubscribe, counts subscriptions, and treats a double subscribe as two', async () => {
      const ps = await newPubSub();
      const got: unknown[] = [];
      const fn = (d: unknown) => got.push(d);
      const off1 = ps.subscribe('t', fn);
      const off2 = ps.subscribe('t', fn);
      expect(ps.size).toBe(2);
      off1();
      off1();
      expect(ps.size).toBe(1);
      ps.publish('t', 'once');
      await expect.poll(() => got.length).toBe(1);
      off2();
      expect(ps.size).toBe(0);
      ps.publish('t', 'never');
      await new Promise((r) => setTimeout(r, 20));
      expect(got).toEqual(['once']);
      await ps.close();
    });

    it('lets a listener unsubscribe itself while being delivered to', async () => {
      const ps = await newPubSub();
      const got: string[] = [];
      const off = ps.subscribe('t', () => { got.push('first'); off(); });
      ps.subscribe('t', () => got.push('second'));
      ps.publish('t', 1);
      ps.publish('t', 2);
      await expect.poll(() => got.length).toBe(3);
      expect(got).toEqual(['first', 'second', 'second']);
      await ps.close();
    });
  });
}
