/**
 * Server CPU time spent on a run. On a shared machine a neighbour's load lowers req/s (the server
 * gets fewer time slices) but barely moves the CPU time the server spends per request, so CPU per
 * request is the steadier cost figure; the tables show both.
 */
import type { ChildServer } from './child-server.js';

export async function withServerCpu<T>(server: ChildServer, run: () => Promise<T>): Promise<T & { cpuMicros: number }> {
  const before = await server.cpuMicros();
  const result = await run();
  const after = await server.cpuMicros();
  return { ...result, cpuMicros: after - before };
}
