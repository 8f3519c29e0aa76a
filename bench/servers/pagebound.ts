/**
 * pagebound as a user would run it in production: createServer, dev off, logger off, serving
 * bench/pages. The bench passes option overrides (instance limits, timeouts) in argv[2].
 */
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { createServer, type ServerOptions } from '../../src/server.js';
import { runServer, serverArgs } from './harness.js';

const BENCH_PAGES = fileURLToPath(new URL('../pages/', import.meta.url));

const overrides = serverArgs<ServerOptions>();
let app: FastifyInstance | undefined;

await runServer({
  async listen() {
    app = await createServer({
      pagesDir: BENCH_PAGES,
      publicDir: false,
      dev: false,
      logger: false,
      // A fixed secret: without one pagebound warns and picks a random one, which changes nothing measured.
      secret: 'pagebound-bench-secret-0123456789',
      ...overrides,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    return (app.server.address() as { port: number }).port;
  },
  counters: () => ({ liveInstances: app?.pagebound.registry.size ?? 0 }),
  close: async () => { await app?.close(); },
});
