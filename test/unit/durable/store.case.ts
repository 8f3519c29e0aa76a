/**
 * The DurableStore conformance suite (src/durable/store.ts), run against every implementation:
 * commits fenced by epoch, claims that move the epoch once, removal only at the current epoch, and
 * expiry.
 */
import { describe, expect, it } from 'vitest';
import { NO_FRAMES, type DurableStore } from '../../../src/durable/store.js';

let n = 0;
const freshId = () => `a.page${Date.now().toString(36)}x${(n++).toString().padStart(12, '0')}`;
const TTL = 60_000;

export function runStoreCases(name: string, make: () => DurableStore | Promise<DurableStore>): void {
  describe(`DurableStore conformance: ${name}`, () => {
    it('stores a first commit at epoch 1 and reads it back; nothing is stored for an unknown page', async () => {
      const store = await make();
      const id = freshId();
      expect(await store.read(id)).toBeUndefined();
      expect(await store.commit(id, 1, '{"n":1}', NO_FRAMES, TTL)).toBe(true);
      expect(await store.read(id)).toEqual({ epoch: 1, data: '{"n":1}', frames: [] });
      expect(await store.commit(id, 1, '{"n":2}', NO_FRAMES, TTL)).toBe(true);
      expect(await store.read(id)).toEqual({ epoch: 1, data: '{"n":2}', frames: [] });
    });

    it('refuses a first commit at a later epoch (a page removed or expired is not brought back)', async () => {
      const store = await make();
      const id = freshId();
      expect(await store.commit(id, 2, 'x', NO_FRAMES, TTL)).toBe(false);
      expect(await store.read(id)).toBeUndefined();
    });

    it('a claim moves the epoch up once; the old holder\'s later commits are refused and change nothing', async () => {
      const store = await make();
      const id = freshId();
      await store.commit(id, 1, 'old', NO_FRAMES, TTL);
      expect(await store.claim(id, 1, TTL)).toBe(2);
      expect(await store.commit(id, 1, 'late write', NO_FRAMES, TTL)).toBe(false);
      expect(await store.read(id)).toEqual({ epoch: 2, data: 'old', frames: [] });
      expect(await store.commit(id, 2, 'new', NO_FRAMES, TTL)).toBe(true);
      expect(await store.read(id)).toEqual({ epoch: 2, data: 'new', frames: [] });
    });

    it('of two claims at the same epoch exactly one wins', async () => {
      const store = await make();
      const id = freshId();
      await store.commit(id, 1, 'x', NO_FRAMES, TTL);
      const results = await Promise.all([store.claim(id, 1, TTL), store.claim(id, 1, TTL), store.claim(id, 1, TTL)]);
      expect(results.filter((r) => r !== undefined)).toEqual([2]);
      expect(await store.claim(freshId(), 1, TTL)).toBeUndefined();
    });

    it('removes a page only at its current epoch', async () => {
      const store = await make();
      const id = freshId();
      await store.commit(id, 1, 'x', NO_FRAMES, TTL);
      await store.claim(id, 1, TTL);
      await store.remove(id, 1);
      expect(await store.read(id)).toEqual({ epoch: 2, data: 'x', frames: [] });
      await store.remove(id, 2);
      expect(await store.read(id)).toBeUndefined();
    });

    it('forgets a page ttlMs after its last commit', async () => {
      const store = await make();
      const id = freshId();
      await store.commit(id, 1, 'x', NO_FRAMES, 150);
      expect(await store.read(id)).toBeDefined();
      await new Promise((r) => setTimeout(r, 400));
      expect(await store.read(id)).toBeUndefined();
      expect(await store.claim(id, 1, TTL)).toBeUndefined();
    });

    it('refresh keeps the pages it names ttlMs from now, with their frames; pages not stored stay absent', async () => {
      const store = await make();
      const [kept, left, never] = [freshId(), freshId(), freshId()];
      const frame = { s: 1, payload: '{"t":"ev","n":"x","s":1}' };
      await store.commit(kept, 1, 'k', { add: [frame], dropThrough: 0 }, 300);
      await store.commit(left, 1, 'l', NO_FRAMES, 300);
      await new Promise((r) => setTimeout(r, 150));
      await store.refresh([kept, never], 2_000);
      await store.refresh([], 2_000);
      await new Promise((r) => setTimeout(r, 350));
      // Past the first TTL: only the refreshed page is left, whole and still claimable.
      expect(await store.read(kept)).toEqual({ epoch: 1, data: 'k', frames: [frame] });
      expect(await store.read(left)).toBeUndefined();
      expect(await store.read(never)).toBeUndefined();
      expect(await store.claim(kept, 1, TTL)).toBe(2);
    });

    it('adds each commit\'s new frames and drops those up to dropThrough, keeping them in order', async () => {
      const store = await make();
      const id = freshId();
      const f = (s: number) => ({ s, payload: `{"t":"ev","n":"x","s":${s}}` });
      await store.commit(id, 1, 'a', { add: [f(1), f(2), f(3)], dropThrough: 0 }, TTL);
      expect((await store.read(id))!.frames).toEqual([f(1), f(2), f(3)]);
      await store.commit(id, 1, 'b', { add: [f(4), f(10), f(11)], dropThrough: 2 }, TTL);
      expect((await store.read(id))!.frames).toEqual([f(3), f(4), f(10), f(11)]);
      // A refused commit changes no frame either.
      await store.claim(id, 1, TTL);
      expect(await store.commit(id, 1, 'late', { add: [f(12)], dropThrough: 11 }, TTL)).toBe(false);
      expect((await store.read(id))!.frames).toEqual([f(3), f(4), f(10), f(11)]);
      await store.remove(id, 2);
      expect(await store.read(id)).toBeUndefined();
      // Frames go with the page: a new page at the same id starts with none.
      await store.commit(id, 1, 'c', NO_FRAMES, TTL);
      expect((await store.read(id))!.frames).toEqual([]);
    });

    it('keeps large and unusual snapshots byte for byte', async () => {
      const store = await make();
      const id = freshId();
      const data = JSON.stringify({ s: 'ü€😀\u2028"\\', big: 'x'.repeat(70_000) });
      await store.commit(id, 1, data, NO_FRAMES, TTL);
      expect((await store.read(id))?.data).toBe(data);
    });
  });
}
