/**
 * Starts pagebound on a real loopback port for a test, and stops it.
 */
import type { FastifyInstance } from 'fastify';
import { createServer, type ServerOptions } from '../../src/server.js';

export interface TestServer {
  app: FastifyInstance;
  url: string;
  origin: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(opts: ServerOptions = {}): Promise<TestServer> {
  const app = await createServer({ logger: false, publicDir: false, ...opts });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const origin = `http://127.0.0.1:${port}`;
  return { app, url: origin, origin, port, close: () => app.close() };
}
