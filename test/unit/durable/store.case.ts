/**
 * The DurableStore conformance suite (src/durable/store.ts), run against every implementation:
 * commits fenced by epoch, claims that move the epoch once, removal only at the current epoch, and
 * expiry.
 */
import { describe, expect, it } from 'vitest';
import type { DurableStore } from '../../../src/durable/store.js';

let n = 0;
const freshId = () => `a.page${Date.now().toString(36)}x${(n++).toString().padStart(12, '0')}`;
const TTL = 60_000;

export function runStoreCases(name: string, make: () => DurableStore | Promise<DurableStore>): void {
  describe(`DurableStore conformance: ${name}`, () => {
    it('stores a first commit at epoch 1 and reads it back; nothing is stored for an unknown page', async () => {
      const store = await make();
      const id = freshId();
      expect(await store.read(id)).toBeUndefined();
      expect(await store.commit(id, 1, '{"n":1}', TTL)).toBe(true);
      expect(await store.read(id)).toEqual({ epoch: 1, data: '{"n":1}' });
      expect(await store.commit(id, 1, '{"n":2}', TTL)).toBe(true);
      expect(await store.read(id)).toEqual({ epoch: 1, data: '{"n":2}' });
    });

    it('refuses a first commit at a later epoch (a page removed or expired is not brought back)', async () => {
      const store = await make();
      const id = freshId();
      expect(await store.commit(id, 2, 'x', TTL)).toBe(false);
      expect(await store.read(id)).toBeUndefined();
    });

    it('a claim moves the epoch up once; the old holder\'s later commits are refused and change nothing', async () => {
      const store = await make();
      const id = freshId();
      await store.commit(id, 1, 'old', TTL);
      expect(await store.claim(id, 1, TTL)).toBe(2);
      expect(await store.commit(id, 1, 'late write', TTL)).toBe(false);
      expect(await store.read(id)).toEqual({ epoch: 2, data: 'old' });
      expect(await store.commit(id, 2, 'new', TTL)).toBe(true);
      expect(await store.read(id)).toEqual({ epoch: 2, data: 'new' });
    });

    it('of two claims at the same epoch exactly one wins', async () => {
      const store = await make();
      const id = freshId();
      await store.commit(id, 1, 'x', TTL);
      const results = await Promise.all([store.claim(id, 1, TTL), store.claim(id, 1, TTL), store.claim(id, 1, TTL)]);
      expect(results.filter((r) => r !== undefined)).toEqual([2]);
      expect(await store.claim(freshId(), 1, TTL)).toBeUndefined();
    });

    it('removes a page only at its current epoch', async () => {
      const store = await make();
      const id = freshId();
      await store.commit(id, 1, 'x', TTL);
      await store.claim(id, 1, TTL);
      await store.remove(id, 1);
      expect(await store.read(id)).toEqual({ epoch: 2, data: 'x' });
      await store.remove(id, 2);
      expect(await store.read(id)).toBeUndefined();
    });

    it('forgets a page ttlMs after its last commit', async () => {
      const store = await make();
      const id = freshId();
      await store.commit(id, 1, 'x', 150);
      expect(await store.read(id)).toBeDefined();
      await new Promise((r) => setTimeout(r, 400));
      expect(await store.read(id)).toBeUndefined();
      expect(await store.claim(id, 1, TTL)).toBeUndefined();
    });

    it('keeps large and unusual snapshots byte for byte', async () => {
      const store = await make();
      const id = freshId();
      const data = JSON.stringify({ s: 'ü€😀\u2028"\\', big: 'x'.repeat(70_000) });
      await store.commit(id, 1, data, TTL);
      expect((await store.read(id))?.data).toBe(data);
    });
  });
}
