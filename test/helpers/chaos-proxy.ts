/**
 * A loopback TCP proxy for network-failure tests. It forwards bytes between clients and a server
 * and can, on command, reset every connection mid-stream (a TCP RST, possibly in the middle of a
 * frame) or answer WebSocket upgrades with 403 as a proxy that breaks upgrades would.
 */
import net from 'node:net';

export interface ChaosProxy {
  url: string;
  port: number;
  /** Resets every open connection now; returns how many were cut. */
  cutAll(): number;
  /** Cuts each connection after a random number of forwarded bytes in [min, max], until disabled. */
  cutMidStream(enabled: boolean, min?: number, max?: number): void;
  /** Answers HTTP Upgrade requests with 403 (and lets plain HTTP through). */
  refuseUpgrades: boolean;
  /** Resets every new connection at once, as a network that is down would. */
  refuseAll: boolean;
  /** Connections cut so far. */
  readonly cuts: number;
  close(): Promise<void>;
}

export async function startChaosProxy(targetPort: number, host = '127.0.0.1'): Promise<ChaosProxy> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  /** Pairs whose last bytes are being written before their reset. */
  const dying = new WeakSet<object>();
  let cuts = 0;
  let midStream: { min: number; max: number } | undefined;

  const cut = (pair: { client: net.Socket; upstream: net.Socket }) => {
    if (!pairs.delete(pair)) return;
    cuts++;
    pair.client.resetAndDestroy();
    pair.upstream.resetAndDestroy();
  };

  const server = net.createServer((client) => {
    if (proxy.refuseAll) {
      client.on('error', () => {});
      client.resetAndDestroy();
      return;
    }
    client.once('data', (first) => {
      if (proxy.refuseUpgrades && /\r\nupgrade:\s*websocket/i.test(first.toString('latin1'))) {
        client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      const upstream = net.connect(targetPort, host);
      const pair = { client, upstream };
      pairs.add(pair);
      // Each direction has its own byte budget, so a burst one way cannot starve the other.
      const draw = () => (midStream ? midStream.min + Math.floor(Math.random() * (midStream.max - midStream.min + 1)) : Infinity);
      const forward = (_from: net.Socket, to: net.Socket) => {
        let budget = draw();
        return (chunk: Buffer) => {
          if (!pairs.has(pair) || dying.has(pair)) return;
          if (chunk.length >= budget) {
            // Forward part of the chunk, then reset once it is written (a reset discards unsent
            // data): the peer sees a frame cut in the middle.
            dying.add(pair);
            if (budget > 0) to.write(chunk.subarray(0, budget), () => cut(pair));
            else cut(pair);
            return;
          }
          budget -= chunk.length;
          to.write(chunk);
        };
      };
      const up = forward(client, upstream);
      up(first);
      client.on('data', up);
      upstream.on('data', forward(upstream, client));
      const end = () => {
        if (pairs.delete(pair)) {
          client.destroy();
          upstream.destroy();
        }
      };
      client.on('close', end);
      upstream.on('close', end);
      client.on('error', () => {});
      upstream.on('error', () => {});
    });
    client.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as net.AddressInfo).port;

  const proxy: ChaosProxy = {
    url: `http://${host}:${port}`,
    port,
    refuseUpgrades: false,
    refuseAll: false,
    get cuts() { return cuts; },
    cutAll() {
      const n = pairs.size;
      for (const pair of [...pairs]) cut(pair);
      return n;
    },
    cutMidStream(enabled, min = 200, max = 20_000) {
      midStream = enabled ? { min, max } : undefined;
    },
    close() {
      for (const pair of [...pairs]) cut(pair);
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
