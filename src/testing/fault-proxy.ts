/**
 * A loopback TCP proxy that breaks the network on purpose, between a client and a pagebound server.
 * It forwards bytes and, on command:
 * - **drop**: resets every connection now (a TCP RST), or each one after a random number of bytes,
 *   possibly in the middle of a frame;
 * - **stall**: holds every byte both ways while the connections stay open (a black hole: only
 *   heartbeats notice), then delivers them in order when released;
 * - **delay**: delivers each chunk `ms` later, in order;
 * - **duplicate** / **reorder**: on WebSocket connections, sends whole data frames twice or swaps
 *   one with the next (frames stay intact: the damage is to the order and count of protocol frames,
 *   which the sequence numbers of docs/protocol.md §2.1 must absorb);
 * - **refuse**: answers WebSocket upgrades 403 (as proxies that break upgrades do), or resets every
 *   new connection (a network that is down).
 */
import net from 'node:net';
import { realClearTimeout as clearTimeout, realSetTimeout as setTimeout } from './real-timers.js';

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: give this to the client instead of the server's URL. */
  readonly url: string;
  readonly port: number;
  /** Resets every open connection now; returns how many were cut. */
  cutAll(): number;
  /** Cuts each connection after a random number of forwarded bytes in [min, max] per direction, until disabled. */
  cutMidStream(enabled: boolean, min?: number, max?: number): void;
  /** Holds all traffic (connections stay open) while true; releasing delivers what was held, in order. */
  stall(on: boolean): void;
  /** Delivers every chunk `ms` later (0: off). */
  delay(ms: number): void;
  /** Sends each WebSocket data frame twice with this probability (0–1). */
  duplicate(probability: number): void;
  /** Swaps each WebSocket data frame with the next one with this probability (0–1). */
  reorder(probability: number): void;
  /** Answers HTTP Upgrade requests with 403 (and lets plain HTTP through). */
  refuseUpgrades: boolean;
  /** Resets every new connection at once, as a network that is down would. */
  refuseAll: boolean;
  /** What the proxy did so far. */
  readonly stats: FaultStats;
  /** Connections cut so far (same as `stats.cuts`). */
  readonly cuts: number;
  close(): Promise<void>;
}

export interface FaultStats { cuts: number; duplicated: number; reordered: number; stalledChunks: number }

interface Pair { client: net.Socket; upstream: net.Socket }

const HEADER_END = Buffer.from('\r\n\r\n');
/** A frame held for a swap goes out on its own after this long if no other frame comes. */
const REORDER_HOLD_MS = 30;

/**
 * Splits a WebSocket byte stream into whole frames (RFC 6455 §5.2), after the HTTP handshake.
 * Returns the frames complete so far; partial bytes wait for the next chunk.
 */
class FrameSplitter {
  #handshake = true;
  #buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Array<{ bytes: Buffer; data: boolean }> {
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, chunk]) : chunk;
    const out: Array<{ bytes: Buffer; data: boolean }> = [];
    if (this.#handshake) {
      const end = this.#buf.indexOf(HEADER_END);
      if (end < 0) return out;
      out.push({ bytes: this.#buf.subarray(0, end + 4), data: false });
      this.#buf = this.#buf.subarray(end + 4);
      this.#handshake = false;
    }
    for (;;) {
      const b = this.#buf;
      if (b.length < 2) break;
      let len = b[1]! & 0x7f;
      let off = 2;
      if (len === 126) {
        if (b.length < 4) break;
        len = b.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (b.length < 10) break;
        len = Number(b.readBigUInt64BE(2));
        off = 10;
      }
      if (b[1]! & 0x80) off += 4;
      if (b.length < off + len) break;
      const opcode = b[0]! & 0x0f;
      const fin = (b[0]! & 0x80) !== 0;
      out.push({ bytes: b.subarray(0, off + len), data: fin && (opcode === 1 || opcode === 2) });
      this.#buf = b.subarray(off + len);
    }
    return out;
  }
}

export async function startFaultProxy(targetPort: number, host = '127.0.0.1'): Promise<FaultProxy> {
  const pairs = new Set<Pair>();
  /** Every client socket, paired or still waiting for its first bytes: close() ends them all, or it would wait on them. */
  const accepted = new Set<net.Socket>();
  /** Pairs whose last bytes are being written before their reset. */
  const dying = new WeakSet<Pair>();
  const stats: FaultStats = { cuts: 0, duplicated: 0, reordered: 0, stalledChunks: 0 };
  let midStream: { min: number; max: number } | undefined;
  let stalled = false;
  let delayMs = 0;
  let pDuplicate = 0;
  let pReorder = 0;
  /** Writers waiting for a stall to end, in arrival order. */
  const held: Array<() => void> = [];

  const cut = (pair: Pair) => {
    if (!pairs.delete(pair)) return;
    stats.cuts++;
    pair.client.resetAndDestroy();
    pair.upstream.resetAndDestroy();
  };

  /** One direction of one connection: frame faults, then delay and stall, then the cut budget. */
  function direction(pair: Pair, to: net.Socket, websocket: boolean): (chunk: Buffer) => void {
    /** Bytes left before this direction is cut; drawn when cutting is on, even on a connection opened before. */
    let budget: number | undefined;
    let lastDue = 0;
    const write = (chunk: Buffer) => {
      if (!pairs.has(pair) || dying.has(pair)) return;
      budget = midStream ? budget ?? midStream.min + Math.floor(Math.random() * (midStream.max - midStream.min + 1)) : undefined;
      if (budget !== undefined && chunk.length >= budget) {
        // Forward part of the chunk, then reset once it is written (a reset discards unsent data):
        // the peer sees a frame cut in the middle.
        dying.add(pair);
        if (budget > 0) to.write(chunk.subarray(0, budget), () => cut(pair));
        else cut(pair);
        return;
      }
      if (budget !== undefined) budget -= chunk.length;
      to.write(chunk);
    };
    // Delay and stall keep the order: each chunk is due no earlier than the one before it.
    const timed = (chunk: Buffer) => {
      if (stalled) {
        stats.stalledChunks++;
        held.push(() => write(chunk));
        return;
      }
      if (!delayMs && !lastDue) return write(chunk);
      const due = Math.max(Date.now() + delayMs, lastDue);
      lastDue = due;
      setTimeout(() => {
        if (lastDue === due) lastDue = 0;
        write(chunk);
      }, due - Date.now());
    };
    if (!websocket) return timed;

    const frames = new FrameSplitter();
    let pending: { bytes: Buffer; timer: ReturnType<typeof setTimeout> } | undefined;
    const takePending = (): Buffer => {
      clearTimeout(pending!.timer);
      const { bytes } = pending!;
      pending = undefined;
      return bytes;
    };
    return (chunk) => {
      // The frames of one chunk go out in one write, as they came: many small writes would be slow.
      const out: Buffer[] = [];
      for (const frame of frames.push(chunk)) {
        if (!frame.data) {
          out.push(frame.bytes);
        } else if (pending) {
          // The held frame goes after this one: the two are swapped on the wire.
          out.push(frame.bytes, takePending());
          stats.reordered++;
        } else if (pReorder > 0 && Math.random() < pReorder) {
          pending = { bytes: frame.bytes, timer: setTimeout(() => pending && timed(takePending()), REORDER_HOLD_MS) };
        } else {
          out.push(frame.bytes);
          if (pDuplicate > 0 && Math.random() < pDuplicate) {
            stats.duplicated++;
            out.push(frame.bytes);
          }
        }
      }
      if (out.length) timed(out.length === 1 ? out[0]! : Buffer.concat(out));
    };
  }

  const server = net.createServer((client) => {
    accepted.add(client);
    client.once('close', () => accepted.delete(client));
    client.on('error', () => {});
    if (proxy.refuseAll) {
      client.resetAndDestroy();
      return;
    }
    client.once('data', (first) => {
      const upgrade = /\r\nupgrade:\s*websocket/i.test(first.toString('latin1'));
      if (proxy.refuseUpgrades && upgrade) {
        client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      const upstream = net.connect(targetPort, host);
      upstream.on('error', () => {});
      upstream.setNoDelay(true);
      client.setNoDelay(true);
      const pair = { client, upstream };
      pairs.add(pair);
      const up = direction(pair, upstream, upgrade);
      up(first);
      client.on('data', up);
      upstream.on('data', direction(pair, client, upgrade));
      const end = () => {
        if (pairs.delete(pair)) {
          client.destroy();
          upstream.destroy();
        }
      };
      client.on('close', end);
      upstream.on('close', end);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as net.AddressInfo).port;

  const proxy: FaultProxy = {
    url: `http://${host}:${port}`,
    port,
    refuseUpgrades: false,
    refuseAll: false,
    stats,
    get cuts() { return stats.cuts; },
    cutAll() {
      const n = pairs.size;
      for (const pair of [...pairs]) cut(pair);
      return n;
    },
    cutMidStream(enabled, min = 200, max = 20_000) {
      midStream = enabled ? { min, max } : undefined;
    },
    stall(on) {
      stalled = on;
      if (!on) for (const write of held.splice(0)) write();
    },
    delay(ms) {
      delayMs = Math.max(0, ms);
    },
    duplicate(p) {
      pDuplicate = Math.min(1, Math.max(0, p));
    },
    reorder(p) {
      pReorder = Math.min(1, Math.max(0, p));
    },
    close() {
      held.length = 0;
      for (const pair of [...pairs]) cut(pair);
      for (const socket of accepted) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
