/**
 * Loopback port helpers for `pagebound cluster`, which must know its children's ports before it
 * starts them, and wait for them to listen.
 */
import net from 'node:net';

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve, reject) => srv.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** Whether nothing listens on `port` (on any address) right now. */
export async function isFree(port: number): Promise<boolean> {
  const srv = net.createServer();
  const ok = await new Promise<boolean>((resolve) => srv.once('error', () => resolve(false)).listen(port, () => resolve(true)));
  if (ok) await new Promise<void>((resolve) => srv.close(() => resolve()));
  return ok;
}

/** Resolves true once something accepts connections on 127.0.0.1:`port`, false after `ms`. */
export async function waitListening(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
