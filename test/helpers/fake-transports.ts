/**
 * Fake runtime transports for unit tests of the link and the socket above it. A test replaces the two
 * real transport modules with these through vi.mock, so runtime-client/ needs no injection seam:
 *
 *   vi.mock('../../../runtime-client/transports/websocket.js', () => import('../../helpers/fake-transports.js'));
 *   vi.mock('../../../runtime-client/transports/http.js', () => import('../../helpers/fake-transports.js'));
 *
 * Every transport the link creates is recorded in `made`, newest last: what it was opened with, the
 * frames sent on it (decoded), and how it was closed. `on` is the link's side, to push frames or a close.
 */
import type { Wire } from '../../src/protocol/codec.js';
import type { Transport, TransportEvents } from '../../runtime-client/transports/transport.js';

export interface Fake {
  kind: 'ws' | 'http';
  base: string;
  on: TransportEvents;
  opened?: { id: string; ack: number };
  sent: Array<Record<string, unknown>>;
  closedWith?: number | 'default';
}

export const made: Fake[] = [];

function fakeTransport(kind: 'ws' | 'http', base: string, on: TransportEvents): Transport {
  const fake: Fake = { kind, base, on, sent: [] };
  made.push(fake);
  return {
    kind,
    carriesAcks: kind === 'http',
    open(id, ack) {
      fake.opened = { id, ack };
    },
    send(frames: Wire[]) {
      fake.sent.push(...frames.map((f) => JSON.parse(f) as Record<string, unknown>));
    },
    close(code) {
      fake.closedWith = code ?? 'default';
    },
  };
}

export const wsTransport = (base: string, on: TransportEvents) => fakeTransport('ws', base, on);
export const httpTransport = (base: string, on: TransportEvents) => fakeTransport('http', base, on);
