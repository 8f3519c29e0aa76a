/**
 * Protocol-level visits to a live page of test/fixtures/scale through a balancer: render it, then
 * open fresh connections (WebSocket or HTTP transport) that each send one `hit` event and return
 * its reply — which names the node that answered and that node's count of events served.
 */
import { expect } from 'vitest';
import { WsClient } from './live-client.js';

export interface Rendered { id: string; cookie: string }

/** GETs a live page through `base`; its node-qualified page id and session cookie. */
export async function renderVia(base: string, path: string): Promise<Rendered> {
  const res = await fetch(base + path);
  expect(res.status).toBe(200);
  const id = /"id":"([a-z0-9]{1,16}\.[A-Za-z0-9_-]{21})"/.exec(await res.text())?.[1];
  if (!id) throw new Error('no node-qualified page id in the page');
  return { id, cookie: res.headers.get('set-cookie')!.split(';')[0]! };
}

/** One page's protocol position, kept across the fresh connections a test opens. */
export class Position {
  in = 0;
  out = 0;
  constructor(readonly page: Rendered) {}
  seen(frames: any[]): void {
    for (const f of frames) if (typeof f.s === 'number' && f.s > this.in) this.in = f.s;
  }
}

/** A fresh WebSocket through `base`: hello, one `hit`, its reply, close. */
export async function hitOverWsVia(base: string, pos: Position): Promise<any> {
  const c = new WsClient(base, pos.page.id, { cookie: pos.page.cookie, origin: base });
  try {
    await c.opened;
    c.send({ t: 'hello', v: 1, ack: pos.in });
    await c.until((f) => f.some((x) => x.t === 'welcome'));
    const s = ++pos.out;
    c.send({ t: 'ev', s, n: 'hit' });
    await c.until((f) => f.some((x) => x.t === 're' && x.re === s));
    pos.seen(c.frames);
    return c.frames.find((x) => x.t === 're' && x.re === s).d;
  } finally {
    c.ws.terminate();
  }
}

/** A fresh HTTP-transport connection through `base`: hello, one `hit`, polls for its reply. */
export async function hitOverHttpVia(base: string, pos: Position): Promise<any> {
  const headers = { cookie: pos.page.cookie, origin: base, sessionid: pos.page.id, 'content-type': 'application/json' };
  const post = async (path: string, body: unknown, extra: Record<string, string> = {}) => {
    const res = await fetch(base + path, { method: 'POST', headers: { ...headers, ...extra }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    return (await res.json()) as any[];
  };
  const [welcome] = await post('/_pagebound/http/send', [{ t: 'hello', v: 1, ack: pos.in }]);
  expect(welcome.t).toBe('welcome');
  const conn = { 'pb-conn': welcome.cid };
  const s = ++pos.out;
  await post('/_pagebound/http/send', [{ t: 'ev', s, n: 'hit' }], conn);
  for (let i = 0; i < 20; i++) {
    const frames = await post('/_pagebound/http/poll', { a: pos.in }, conn);
    pos.seen(frames);
    const re = frames.find((x) => x.t === 're' && x.re === s);
    if (re) return re.d;
  }
  throw new Error('no reply over HTTP');
}

export interface Answer { page: string; node: string; served: number }

/**
 * `rounds` rounds over `pages`, each a fresh WebSocket then a fresh HTTP connection per page (a
 * reconnect every time). Each answer pairs the node the page id names with the node that answered.
 */
export async function hitRounds(base: string, pages: Rendered[], rounds: number): Promise<Answer[]> {
  const answers: Answer[] = [];
  const positions = pages.map((p) => new Position(p));
  for (let round = 0; round < rounds; round++) {
    for (const pos of positions) {
      for (const hit of [hitOverWsVia, hitOverHttpVia]) {
        const d = await hit(base, pos);
        answers.push({ page: pos.page.id.split('.')[0]!, node: d.node, served: d.served });
      }
    }
  }
  return answers;
}

/**
 * Every answer came from the page's own node, and each node's count of events served runs 1, 2, 3…
 * with nothing missing: no event for one of its pages went anywhere else, and it served none for
 * other nodes' pages. (Counts start at 1: call on a fresh cluster.)
 */
export function expectEachNodeServedItsOwn(answers: Answer[]): void {
  for (const a of answers) expect(a.node).toBe(a.page);
  for (const name of new Set(answers.map((a) => a.node))) {
    const served = answers.filter((a) => a.node === name).map((a) => a.served);
    expect(served).toEqual(served.map((_, i) => i + 1));
  }
}
