/**
 * The runtime's WebSocket transport in Node, over a fake `WebSocket`: where it connects and with which
 * subprotocols (the page id never in the URL), `hello` as the first frame, decoded frames up, a
 * malformed frame closing with 4400, close codes passed up once, and sends only while open.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { wsTransport } from '../../../../runtime-client/transports/websocket.js';
import type { ServerFrame } from '../../../../src/protocol/frames.js';

class FakeWebSocket {
  static readonly OPEN = 1;
  static last: FakeWebSocket | undefined;
  readyState = 0;
  sent: string[] = [];
  closedWith: number | undefined;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  constructor(
    readonly url: URL,
    readonly protocols: string[],
  ) {
    FakeWebSocket.last = this;
  }
  send(data: string) {
    this.sent.push(data);
  }
  close(code?: number) {
    // As browsers do: only 1000 and 3000–4999 may be sent.
    if (code !== undefined && code !== 1000 && (code < 3000 || code > 4999)) {
      throw new DOMException(`close(${code})`, 'InvalidAccessError');
    }
    this.closedWith = code;
  }
  // Test side: what the browser would do.
  opened() {
    this.readyState = 1;
    this.onopen?.();
  }
  message(data: unknown) {
    this.onmessage?.({ data });
  }
  closedByPeer(code: number, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

const ID = 'V1StGXR8_Z5jdHi6B-myT';

function setup(href = 'http://app.example/board?x=1') {
  vi.stubGlobal('location', new URL(href));
  const frames: ServerFrame[][] = [];
  const closes: Array<[number, string]> = [];
  const t = wsTransport('/_pagebound', { frames: (f) => frames.push(f), close: (c, r) => closes.push([c, r]), ack: () => 0 });
  t.open(ID, 7);
  return { t, ws: FakeWebSocket.last!, frames, closes };
}

beforeEach(() => {
  FakeWebSocket.last = undefined;
  vi.stubGlobal('WebSocket', FakeWebSocket);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('websocket transport', () => {
  it('connects to the ws endpoint of this origin, the page id in a subprotocol, not the URL', () => {
    const { ws, t } = setup();
    expect(t.kind).toBe('ws');
    expect(t.carriesAcks).toBe(false);
    expect(ws.url.href).toBe('ws://app.example/_pagebound/ws');
    expect(ws.protocols).toEqual(['pagebound.v1', `pb.sid.${ID}`]);
    expect(ws.url.href).not.toContain(ID);
  });

  it('uses wss on an https page', () => {
    const { ws } = setup('https://app.example:8443/a/b');
    expect(ws.url.href).toBe('wss://app.example:8443/_pagebound/ws');
  });

  it('sends hello with the protocol version and the ack first, once open', () => {
    const { ws } = setup();
    expect(ws.sent).toEqual([]);
    ws.opened();
    expect(ws.sent.map((f) => JSON.parse(f))).toEqual([{ t: 'hello', v: 1, ack: 7 }]);
  });

  it('passes decoded frames up, a batch as one call', () => {
    const { ws, frames } = setup();
    ws.opened();
    ws.message(JSON.stringify({ t: 'welcome', v: 1, ack: 0, hb: 15000 }));
    ws.message(JSON.stringify([{ t: 'ev', s: 1, n: 'a' }, { t: 'ev', s: 2, n: 'b' }]));
    expect(frames).toEqual([[{ t: 'welcome', v: 1, ack: 0, hb: 15000 }], [{ t: 'ev', s: 1, n: 'a' }, { t: 'ev', s: 2, n: 'b' }]]);
  });

  it.each(['not json', '{"t":"nope"}', JSON.stringify({ t: 'ev', s: 'x', n: 'a' }), new ArrayBuffer(4)])(
    'closes with 4400 on a malformed frame (%s), reporting it once',
    (data) => {
      const { ws, frames, closes } = setup();
      ws.opened();
      ws.message(data);
      expect(frames).toEqual([]);
      expect(ws.closedWith).toBe(4400);
      expect(closes).toEqual([[4400, 'malformed frame']]);
      ws.message(JSON.stringify({ t: 'ev', s: 1, n: 'late' }));
      ws.closedByPeer(1006);
      expect(frames).toEqual([]);
      expect(closes).toHaveLength(1);
    },
  );

  it.each([
    [4410, 'expired', 4410],
    [1006, '', 1000],
    [1012, 'restart', 1000],
  ])('reports a peer close %i and closes its side with a code a browser accepts', (code, reason, sent) => {
    const { ws, closes } = setup();
    ws.opened();
    ws.closedByPeer(code, reason);
    expect(closes).toEqual([[code, reason]]);
    expect(ws.closedWith).toBe(sent);
  });

  it('sends frames only while the socket is open', () => {
    const { ws, t } = setup();
    t.send(['{"t":"ack","a":1}' as never]);
    expect(ws.sent).toEqual([]);
    ws.opened();
    t.send(['{"t":"ev","s":1,"n":"a"}' as never, '{"t":"ev","s":2,"n":"b"}' as never]);
    expect(ws.sent.slice(1)).toEqual(['{"t":"ev","s":1,"n":"a"}', '{"t":"ev","s":2,"n":"b"}']);
    ws.readyState = 2; // closing
    t.send(['{"t":"ack","a":2}' as never]);
    expect(ws.sent).toHaveLength(3);
  });

  it('close() closes with the given code (default 1000) and does not report back', () => {
    const { ws, t, closes } = setup();
    ws.opened();
    t.close(4000);
    expect(ws.closedWith).toBe(4000);
    ws.closedByPeer(4000);
    expect(closes).toEqual([]);
    const second = setup();
    second.t.close();
    expect(second.ws.closedWith).toBe(1000);
  });
});
