import { describe, expect, it } from 'vitest';
import { decodeSnapshot, encodeSnapshot, redrawView, sameSession, sessionDigest, stateJson } from '../../../src/durable/snapshot.js';

describe('stateJson', () => {
  it('takes plain JSON data and gives back exactly what JSON.parse restores', () => {
    const state = { count: 3, items: [{ id: 'a', done: false }, null], nested: { deep: [1, 2.5, 'ü€'] }, nothing: null };
    const json = stateJson(state, 65_536);
    expect(JSON.parse(json)).toEqual(state);
    expect(JSON.parse(stateJson(Object.assign(Object.create(null), { x: 1 }), 100))).toEqual({ x: 1 });
  });

  it.each([
    ['a function', { f: () => 1 }, 'holds a function'],
    ['a class instance', { d: new Date(0) }, 'not plain'],
    ['a Map', { m: new Map() }, 'not plain'],
    ['a non-finite number', { n: Number.NaN }, 'not finite'],
    ['a bigint', { n: 1n }, 'holds a bigint'],
    ['undefined in an array', { a: [1, undefined] }, 'undefined in an array'],
  ])('refuses state holding %s with PB_ERR_DURABLE_STATE, never echoing the value', (_what, state, words) => {
    expect.assertions(4);
    try {
      stateJson(state, 65_536);
    } catch (err) {
      const e = err as { code: string; message: string; statusCode: number };
      expect(e.code).toBe('PB_ERR_DURABLE_STATE');
      expect(e.statusCode).toBe(500);
      expect(e.message).toContain(words);
      expect(e.message).not.toMatch(/1970|NaN/);
    }
  });

  it('refuses a cycle', () => {
    const a: Record<string, unknown> = {};
    a.self = { back: a };
    expect(() => stateJson(a, 65_536)).toThrow(expect.objectContaining({ code: 'PB_ERR_DURABLE_STATE', message: expect.stringContaining('cycle') }));
  });

  it('refuses state larger than maxDurableStateBytes (counted in UTF-8 bytes), and takes it at the limit', () => {
    expect.assertions(3);
    const at = { s: 'x'.repeat(100 - 8) }; // {"s":"…"} is 8 bytes of syntax
    expect(Buffer.byteLength(stateJson(at, 100))).toBe(100);
    try {
      stateJson({ s: '€'.repeat(40) }, 100); // 40 characters, 120 bytes
    } catch (err) {
      expect((err as { code: string }).code).toBe('PB_ERR_DURABLE_STATE');
      expect((err as Error).message).toContain('too large (limit 100 bytes)');
    }
  });
});

describe('snapshots', () => {
  it('round-trip with the state spliced in, and check the session by digest', () => {
    const at = { in: 4, out: { next: 3, acked: 1, floor: 1, kept: [{ s: 2, payload: '{"t":"ev","n":"x","s":2}' }] } };
    const data = encodeSnapshot('/chat/:room', sessionDigest('session-1'), stateJson({ n: 1 }, 100), at as never);
    const s = decodeSnapshot(data)!;
    expect(s).toEqual({ v: 1, route: '/chat/:room', session: sessionDigest('session-1'), at, state: { n: 1 } });
    expect(data).not.toContain('session-1');
    expect(sameSession(s, 'session-1')).toBe(true);
    expect(sameSession(s, 'session-2')).toBe(false);
  });

  it('decodes nothing from a record that is not a snapshot of this version', () => {
    expect(decodeSnapshot('not json')).toBeUndefined();
    expect(decodeSnapshot('{"v":2}')).toBeUndefined();
    expect(decodeSnapshot('{"v":1,"route":"/","session":"x","at":{"in":0,"out":{"kept":[],"next":"1","acked":0,"floor":1}},"state":{}}')).toBeUndefined();
  });
});

describe('redrawView', () => {
  it('keeps what a redraw on another node needs: not the nonce, the flash, the fields the state overlays, or what cannot be JSON', () => {
    const data = {
      params: { room: 'kit' }, query: { filter: 'active' }, url: '/todo?filter=active', base: '', flash: 'saved',
      nonce: 'n0nce', title: 'Todo', filters: ['all', 'done'], todos: [{ id: 1 }], helper: () => 1, when: new Date(0),
    };
    const view = JSON.parse(redrawView(data, { todos: [], filter: 'all' }, 1000));
    expect(view).toEqual({ params: { room: 'kit' }, query: { filter: 'active' }, url: '/todo?filter=active', base: '', title: 'Todo', filters: ['all', 'done'] });
  });

  it('travels in every snapshot of the page, and comes back whole', () => {
    const at = { in: 0, out: { next: 1, acked: 0, floor: 1 } };
    const data = encodeSnapshot('/todo', 'digest', '{"n":1}', at as never, redrawView({ title: 'Todo', n: 0 }, { n: 1 }, 1000));
    expect(decodeSnapshot(data)).toMatchObject({ state: { n: 1 }, view: { title: 'Todo' } });
  });

  it('is refused with PB_ERR_DURABLE_STATE over the limit, naming no value', () => {
    expect.assertions(3);
    try {
      redrawView({ rows: 'x'.repeat(2000) }, {}, 1000);
    } catch (err) {
      expect(err).toMatchObject({ code: 'PB_ERR_DURABLE_STATE', statusCode: 500 });
      expect((err as Error).message).toContain('whose data (what `get` returned) is too large (limit 1000 bytes)');
      expect((err as Error).message).not.toContain('xxx');
    }
  });
});
