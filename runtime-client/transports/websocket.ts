/**
 * The main transport (docs/protocol.md §5.1): one WebSocket, one frame per text message. The page id
 * rides in a subprotocol entry because browsers cannot set headers on an upgrade and the id must not
 * appear in a URL.
 */
import { decodeServer, encode } from '../../src/protocol/codec.js';
import { CloseCode, Paths, PROTOCOL_VERSION, WS_SID_PREFIX, WS_SUBPROTOCOL } from '../../src/protocol/constants.js';
import type { Transport, TransportEvents } from './transport.js';

export function wsTransport(base: string, on: TransportEvents): Transport {
  let ws: WebSocket | undefined;

  const close = (code: number = CloseCode.NORMAL): void => {
    const s = ws;
    if (!s) return;
    ws = undefined;
    s.onopen = s.onmessage = s.onclose = null;
    s.close(code);
  };
  const end = (code: number, reason: string): void => {
    // close() accepts only 1000 and 3000–4999; a socket closed with 1006 is closed already anyway.
    close(code >= 3000 && code < 5000 ? code : CloseCode.NORMAL);
    on.close(code, reason);
  };

  return {
    kind: 'ws',
    carriesAcks: false,
    open(id, helloAck) {
      const url = new URL(base + Paths.ws, location.href);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      const s = (ws = new WebSocket(url, [WS_SUBPROTOCOL, WS_SID_PREFIX + id]));
      s.onopen = () => s.send(encode({ t: 'hello', v: PROTOCOL_VERSION, ack: helloAck }));
      s.onmessage = (e: MessageEvent<unknown>) => {
        const frames = typeof e.data === 'string' ? decodeServer(e.data) : null;
        if (frames) on.frames(frames);
        else end(CloseCode.PROTOCOL, 'malformed frame');
      };
      // `error` is always followed by `close`, which carries the code; nothing to do on it.
      s.onclose = (e) => end(e.code, e.reason);
    },
    send(frames) {
      // A closing socket would only log "already in CLOSING state"; the channel resends anyway.
      if (ws?.readyState === WebSocket.OPEN) for (const f of frames) ws.send(f);
    },
    close,
  };
}
