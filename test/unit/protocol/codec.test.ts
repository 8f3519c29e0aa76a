import { describe, expect, it } from 'vitest';
import { decodeClient, decodeClientBatch, decodePoll, decodeServer, encode, encodeBatch, encodePoll } from '../../../src/protocol/codec.js';

describe('codec: client frames', () => {
  it.each([
    [{ t: 'hello', v: 1, ack: 0 }, true],
    [{ t: 'ev', s: 1, n: 'click', d: { a: 1 } }, true],
    [{ t: 'ev', s: 0, n: 'click' }, false],
    [{ t: 'ev', s: 1.5, n: 'click' }, false],
    [{ t: 'ev', s: 1, n: '' }, false],
    [{ t: 'ev', s: 1, n: 'a b' }, false],
    [{ t: 'ev', s: 1, n: 'x'.repeat(65) }, false],
    [{ t: 'ack', a: -1 }, false],
    [{ t: 'sd', s: 1, b: 'AAAA' }, true],
    [{ t: 'sd', s: 1, b: 'not base64!' }, false],
    [{ t: 'up', s: 1, u: 7, b: 'AAAA' }, true],
    [{ t: 'up', s: 1, b: 'AAAA' }, false],
    [{ t: 'up', s: 1, u: -1, b: 'AAAA' }, false],
    [{ t: 'up', s: 1, u: '7', b: 'AAAA' }, false],
    [{ t: 'up', s: 1, u: 7, b: 'not base64!' }, false],
    [{ t: 'nope' }, false],
    [[{ t: 'hello', v: 1, ack: 0 }], false],
    ['hello', false],
    [null, false],
  ])('%j → valid: %s', (frame, valid) => {
    const decoded = decodeClient(JSON.stringify(frame), 65_536);
    expect(decoded.ok).toBe(valid);
    if (!decoded.ok) expect(decoded.code).toBe('PB_ERR_PROTOCOL');
  });

  it('keeps only the fields of the frame type (no prototype keys, no extras)', () => {
    const decoded = decodeClient('{"t":"ev","s":1,"n":"x","d":1,"__proto__":{"polluted":true},"extra":1}', 1000);
    expect(decoded.ok && decoded.frame).toEqual({ t: 'ev', s: 1, n: 'x', d: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses text that is not JSON, and a frame over the size limit counted in UTF-8 bytes', () => {
    expect(decodeClient('{"t":', 100)).toMatchObject({ ok: false, code: 'PB_ERR_PROTOCOL' });
    const wide = JSON.stringify({ t: 'ev', s: 1, n: 'x', d: 'é'.repeat(60) });
    expect(wide.length).toBeLessThan(100);
    expect(decodeClient(wide, 100)).toMatchObject({ ok: false, code: 'PB_ERR_FRAME_TOO_LARGE' });
  });

  it('decodes an HTTP batch: each frame within the limit on its own, and a bounded count', () => {
    const ev = (s: number, d = '') => ({ t: 'ev', s, n: 'x', d });
    const ok = decodeClientBatch(JSON.stringify([ev(1), { t: 'ack', a: 3 }]), 200, 10);
    expect(ok.ok && ok.frames.map((f) => f.frame.t)).toEqual(['ev', 'ack']);
    expect(decodeClientBatch(JSON.stringify([ev(1, 'y'.repeat(300))]), 200, 10)).toMatchObject({ code: 'PB_ERR_FRAME_TOO_LARGE' });
    expect(decodeClientBatch(JSON.stringify(Array.from({ length: 11 }, (_, i) => ev(i + 1))), 200, 10)).toMatchObject({ code: 'PB_ERR_FRAME_TOO_LARGE' });
    expect(decodeClientBatch('[]', 200, 10)).toMatchObject({ code: 'PB_ERR_PROTOCOL' });
    expect(decodeClientBatch('{"t":"bye"}', 200, 10)).toMatchObject({ code: 'PB_ERR_PROTOCOL' });
  });
});

describe('codec: server frames and bodies', () => {
  it('round-trips frames and batches', () => {
    const frames = [encode({ t: 'ev', s: 1, n: 'a', d: [1] }), encode({ t: 'ack', a: 2 })];
    expect(decodeServer(frames[0]!)).toEqual([{ t: 'ev', s: 1, n: 'a', d: [1] }]);
    expect(decodeServer(encodeBatch(frames))).toEqual([{ t: 'ev', s: 1, n: 'a', d: [1] }, { t: 'ack', a: 2 }]);
  });

  it('refuses what is not a server frame', () => {
    for (const bad of ['nope', '{"t":"bye"}', '{"t":"ev","s":0,"n":"a"}', '[{"t":"ack"}]', '{"t":"welcome"}']) {
      expect(decodeServer(bad), bad).toBeNull();
    }
  });

  it('round-trips a redraw (dom) frame and refuses a malformed one either way', () => {
    const frame = { t: 'dom', s: 3, r: [['', '<body><p>hi</p></body>'], ['row-7', '<tr data-pb-region="row-7"><td>é</td></tr>']] } as const;
    expect(decodeServer(encode(frame as never))).toEqual([frame]);
    for (const bad of [
      { t: 'dom', s: 0, r: [['', 'x']] },
      { t: 'dom', s: 1, r: [] },
      { t: 'dom', s: 1, r: [['a b', 'x']] },
      { t: 'dom', s: 1, r: [['a', 1]] },
      { t: 'dom', s: 1, r: [['a', 'x', 'y']] },
      { t: 'dom', s: 1, r: [['a', 'x'], ['a', 'y']] },
      { t: 'dom', s: 1, r: [['x'.repeat(65), 'x']] },
      { t: 'dom', s: 1, r: 'x' },
    ]) {
      expect(decodeServer(JSON.stringify(bad)), JSON.stringify(bad)).toBeNull();
      if (bad.s === 1) expect(() => encode(bad as never)).toThrow(TypeError);
    }
    // A client may never send one: only the server redraws.
    expect(decodeClient(JSON.stringify(frame), 65_536).ok).toBe(false);
  });

  it('round-trips a redraw with a title, which may come with no region; the title is a string', () => {
    const frame = { t: 'dom', s: 2, r: [], ti: 'Inbox &amp; more' } as const;
    expect(decodeServer(encode(frame as never))).toEqual([frame]);
    for (const bad of [{ t: 'dom', s: 1, r: [], ti: 3 }, { t: 'dom', s: 1, r: [], ti: null }]) {
      expect(decodeServer(JSON.stringify(bad)), JSON.stringify(bad)).toBeNull();
      expect(() => encode(bad as never)).toThrow(TypeError);
    }
  });

  it('round-trips a keyed list (ls) frame and refuses a malformed one either way', () => {
    const frame = { t: 'ls', s: 4, n: 'messages', o: [['a', '<li id="m1">é</li>'], ['p', '<li id="m0">x</li>'], ['d', 'm9'], ['x']], m: 50 } as const;
    expect(decodeServer(encode(frame as never))).toEqual([frame]);
    expect(decodeServer(encode({ t: 'ls', s: 5, n: 'a', o: [['x']] } as never))).toEqual([{ t: 'ls', s: 5, n: 'a', o: [['x']] }]);
    for (const bad of [
      { t: 'ls', s: 0, n: 'a', o: [['x']] },
      { t: 'ls', s: 1, n: '', o: [['x']] },
      { t: 'ls', s: 1, n: 'a b', o: [['x']] },
      { t: 'ls', s: 1, n: 'a', o: [] },
      { t: 'ls', s: 1, n: 'a', o: 'x' },
      { t: 'ls', s: 1, n: 'a', o: [['q', 'x']] },
      { t: 'ls', s: 1, n: 'a', o: [['a']] },
      { t: 'ls', s: 1, n: 'a', o: [['a', 1]] },
      { t: 'ls', s: 1, n: 'a', o: [['x', 'y']] },
      { t: 'ls', s: 1, n: 'a', o: [['x']], m: 0 },
      { t: 'ls', s: 1, n: 'a', o: [['x']], m: 1.5 },
    ]) {
      expect(decodeServer(JSON.stringify(bad)), JSON.stringify(bad)).toBeNull();
      if (bad.s === 1) expect(() => encode(bad as never)).toThrow(TypeError);
    }
    // Only the server changes lists.
    expect(decodeClient(JSON.stringify(frame), 65_536).ok).toBe(false);
  });

  it('reads a poll body\'s ack, or 0 for anything malformed', () => {
    expect(decodePoll(encodePoll(42))).toBe(42);
    for (const bad of ['', '{', '{"a":-1}', '{"a":1.5}', 'null', '[]']) expect(decodePoll(bad), bad).toBe(0);
  });
});
