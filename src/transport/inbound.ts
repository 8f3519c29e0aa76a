/**
 * What both transports do with a client's frames once decoded: the hello check (does the page
 * exist, does this session own it, can it resume from the client's ack) and the dispatch of every
 * later frame to the instance.
 */
import type { Runtime } from '../runtime.js';
import type { PageInstance } from '../page/page-instance.js';
import type { ClientFrame, ExpiredReason } from '../protocol/frames.js';
import type { Connection } from './transport.js';
import { CloseCode, PAGE_ID_RE } from '../protocol/constants.js';

export type HelloOutcome =
  | { ok: true; instance: PageInstance<any> }
  | { ok: false; frame: { t: 'expired'; reason: ExpiredReason } | { t: 'refused'; code: string }; close: number };

export function checkHello(rt: Runtime, pageId: string | undefined, sessionId: string | undefined, ack: number): HelloOutcome {
  const instance = pageId && PAGE_ID_RE.test(pageId) ? rt.registry.get(pageId) : undefined;
  if (!instance) return rt.metrics.expired(), { ok: false, frame: { t: 'expired', reason: 'unknown' }, close: CloseCode.EXPIRED };
  // Same answer shape for "no cookie" and "someone else's cookie": a prober learns nothing more.
  if (!sessionId || instance.sessionId !== sessionId) {
    return { ok: false, frame: { t: 'refused', code: 'PB_ERR_SESSION_MISMATCH' }, close: CloseCode.REFUSED };
  }
  const problem = instance.resumeProblem(ack);
  if (problem) return rt.metrics.expired(), { ok: false, frame: { t: 'expired', reason: problem }, close: CloseCode.EXPIRED };
  if (instance.lifecycle !== 'rendered') rt.metrics.resumed();
  return { ok: true, instance };
}

/** Handles one frame after the hello. Returns false when the connection must close (already done). */
export function handleFrame(instance: PageInstance<any>, frame: ClientFrame, conn: Connection): boolean {
  // The page closed (a `bye` earlier in the same read, a timeout, the server): nothing more to do.
  if (instance.closed) return false;
  switch (frame.t) {
    case 'ev': {
      const r = instance.receiveEvent(frame.s, frame.n, frame.d);
      if (r === 'ok') return true;
      if (r === 'closed') return false;
      conn.close(r === 'full' ? CloseCode.MAILBOX_FULL : CloseCode.PROTOCOL, r === 'full' ? 'mailbox full' : 'sequence gap');
      return false;
    }
    case 'sd': {
      const r = instance.receiveStream(frame.s, frame.b);
      if (r === 'ok') return true;
      if (r === 'closed') return false;
      conn.close(CloseCode.PROTOCOL, 'sequence gap');
      return false;
    }
    case 'ack':
    case 'hb':
      instance.channel.onAck(frame.a);
      return true;
    case 'bye':
      void instance.close('bye');
      return false;
    case 'hello':
      conn.close(CloseCode.PROTOCOL, 'second hello');
      return false;
  }
}
