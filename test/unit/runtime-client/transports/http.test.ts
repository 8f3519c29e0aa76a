/**
 * The runtime's HTTP transport in Node, over a stubbed `fetch` answered by the test: hello in the first
 * send, the connection id from `welcome` on every later request, one send in flight with batching, the
 * long-poll loop carrying the ack, refusals mapped to close codes, and close().
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Defaults } from '../../../../src/protocol/constants.js';
import { encode, type Wire } from '../../../../src/protocol/codec.js';
import type { ServerFrame } from '../../../../src/protocol/frames.js';
import { httpTransport } from '../../../../runtime-client/transports/http.js';

interface Call {
  path: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal | null;
  answer(status: number, body?: unknown): void;
  fail(): void;
}

const ID = 'V1StGXR8_Z5jdHi6B-myT';
const CID = 'conn-1';
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
let calls: Call[];

beforeEach(() => {
  calls = [];
  vi.stubGlobal('fetch', (url: string, init: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      calls.push({
        path: url,
        headers: init.headers as Record<string, string>,
        body: JSON.parse(init.body as string),
        signal: init.signal ?? null,
        answer: (status, body) => resolve(new Response(body === undefined ? '' : JSON.stringify(body), { status })),
        fail: () => reject(new TypeError('Failed to fetch')),
      });
    }),
  );
});
afterEach(() => {
  vi.unstubAllGlobals();
});

function setup() {
  const frames: ServerFrame[][] = [];
  const closes: number[] = [];
  let ack = 0;
  const t = httpTransport('/_pagebound', {
    frames: (f) => frames.push(f),
    close: (code) => closes.push(code),
    ack: () => ack,
  });
  return { t, frames, closes, setAck: (a: number) => (ack = a) };
}

const welcome = { t: 'welcome', v: 1, ack: 0, hb: 15000, cid: CID };
const pending = (path: string) => calls.filter((c) => c.path === '/_pagebound' + path);
const ev = (s: number, n = 'e') => encode({ t: 'ev', s, n });

/** Opens and answers the hello with a welcome; leaves the first poll pending. */
async function opened() {
  const s = setup();
  s.t.open(ID, 3);
  calls[0]!.answer(200, [welcome]);
  await settle();
  return s;
}

describe('http transport', () => {
  it('opens with a send carrying hello and the page id, no connection id yet', () => {
    const { t } = setup();
    expect([t.kind, t.carriesAcks]).toEqual(['http', true]);
    t.open(ID, 3);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ path: '/_pagebound/http/send', body: [{ t: 'hello', v: 1, ack: 3 }] });
    expect(calls[0]!.headers.sessionid).toBe(ID);
    expect(calls[0]!.headers['pb-conn']).toBeUndefined();
  });

  it('passes the welcome up and starts polling with the connection id and the ack', async () => {
    const { t, frames, setAck } = setup();
    setAck(3);
    t.open(ID, 3);
    calls[0]!.answer(200, [welcome]);
    await settle();
    expect(frames).toEqual([[welcome]]);
    const [poll] = pending('/http/poll');
    expect(poll).toMatchObject({ body: { a: 3 } });
    expect(poll!.headers).toMatchObject({ sessionid: ID, 'pb-conn': CID });
  });

  it('keeps polling, each poll carrying the latest ack', async () => {
    const { frames, setAck } = await opened();
    pending('/http/poll')[0]!.answer(200, [{ t: 'ev', s: 1, n: 'a' }]);
    setAck(1);
    await settle();
    expect(frames.at(-1)).toEqual([{ t: 'ev', s: 1, n: 'a' }]);
    pending('/http/poll')[1]!.answer(200, []);
    setAck(1);
    await settle();
    expect(pending('/http/poll').map((c) => c.body)).toEqual([{ a: 0 }, { a: 1 }, { a: 1 }]);
  });

  it('keeps one send in flight and batches what queued meanwhile, in order', async () => {
    const { t } = await opened();
    t.send([ev(1)]);
    t.send([ev(2)]);
    t.send([ev(3), ev(4)]);
    const sends = () => pending('/http/send').slice(1);
    expect(sends()).toHaveLength(1);
    expect(sends()[0]!.headers['pb-conn']).toBe(CID);
    sends()[0]!.answer(200, []);
    await settle();
    expect(sends().map((c) => (c.body as Array<{ s: number }>).map((f) => f.s))).toEqual([[1], [2, 3, 4]]);
  });

  it('caps a batch at maxBatchFrames frames', async () => {
    const { t } = await opened();
    t.send([ev(1)]);
    t.send(Array.from({ length: Defaults.maxBatchFrames + 10 }, (_, i) => ev(i + 2)));
    pending('/http/send')[1]!.answer(200, []);
    await settle();
    const second = pending('/http/send')[2]!.body as unknown[];
    expect(second).toHaveLength(Defaults.maxBatchFrames);
    pending('/http/send')[2]!.answer(200, []);
    await settle();
    expect(pending('/http/send')[3]!.body).toHaveLength(10);
  });

  it('holds sends until the welcome gave a connection id', async () => {
    const { t } = setup();
    t.open(ID, 0);
    t.send([ev(1)]);
    expect(pending('/http/send')).toHaveLength(1);
    calls[0]!.answer(200, [welcome]);
    await settle();
    expect(pending('/http/send')[1]!.body).toEqual([{ t: 'ev', s: 1, n: 'e' }]);
  });

  it('closes with 4400 when the welcome has no connection id', async () => {
    const { t, closes } = setup();
    t.open(ID, 0);
    calls[0]!.answer(200, [{ t: 'welcome', v: 1, ack: 0, hb: 15000 }]);
    await settle();
    expect(closes).toEqual([4400]);
    expect(pending('/http/poll')).toHaveLength(0);
  });

  it.each([
    [410, [{ t: 'expired', reason: 'unknown' }], 4410],
    [403, [{ t: 'refused', code: 'PB_ERR_HELLO_REQUIRED' }], 4403],
    [429, undefined, 4429],
    [400, undefined, 4400],
    [413, undefined, 1009],
    [409, undefined, 1006],
    [502, undefined, 1006],
  ])('answers status %i: delivers its frames, then closes once with %j → %i', async (status, body, code) => {
    const { frames, closes } = await opened();
    pending('/http/poll')[0]!.answer(status, body);
    await settle();
    if (body) expect(frames.at(-1)).toEqual(body);
    expect(closes).toEqual([code]);
    expect(pending('/http/poll')).toHaveLength(1);
  });

  it('reports a network failure as 1006, once, and aborts the other request', async () => {
    const { t, closes } = await opened();
    t.send([ev(1)]);
    pending('/http/poll')[0]!.fail();
    await settle();
    expect(closes).toEqual([1006]);
    expect(pending('/http/poll')[0]!.signal?.aborted).toBe(true);
    pending('/http/send')[1]!.fail();
    await settle();
    expect(closes).toEqual([1006]);
  });

  it('closes with 4400 on a 200 whose body is not frames', async () => {
    const { closes } = await opened();
    pending('/http/poll')[0]!.answer(200, { not: 'frames' });
    await settle();
    expect(closes).toEqual([4400]);
  });

  it('close() stops polling without reporting, and still sends a queued bye', async () => {
    const { t, closes, frames } = await opened();
    const poll = pending('/http/poll')[0]!;
    t.close();
    expect(poll.signal?.aborted).toBe(true);
    t.send([encode({ t: 'bye' }) as Wire]);
    const bye = pending('/http/send').at(-1)!;
    expect(bye.body).toEqual([{ t: 'bye' }]);
    expect(bye.signal).toBeNull();
    bye.answer(200, [{ t: 'ev', s: 9, n: 'late' }]);
    await settle();
    expect(frames).toEqual([[welcome]]);
    expect(closes).toEqual([]);
  });
});
