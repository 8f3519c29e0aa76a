/**
 * Free loopback ports for child processes that need a port number before they start (redis-server,
 * haproxy, pagebound nodes behind haproxy).
 */
import { freePort } from '../../src/ports.js';

export { freePort };

/** `n` distinct free ports. */
export async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}
