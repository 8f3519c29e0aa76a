/**
 * The render peer: bare Fastify rendering bench/pages/items.eta inside _layout.eta with Eta set up
 * exactly as pagebound sets it up in production (src/render/templates.ts), and nothing else — no
 * session, no CSP, no page instance. The gap to pagebound is what the framework costs per render.
 */
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { Eta } from 'eta';
import { catalog } from '../pages/data.js';
import { runServer } from './harness.js';

const views = fileURLToPath(new URL('../pages/', import.meta.url));
const eta = new Eta({ views, cache: true, autoEscape: true, debug: false, cacheFilepaths: true });
const app = Fastify({ logger: false });

app.get('/static', (request, reply) => {
  const data = { url: request.url, ...catalog };
  const body = eta.render('items.eta', data);
  reply.type('text/html; charset=utf-8').send(eta.render('_layout.eta', { ...data, body }));
});

await runServer({
  async listen() {
    await app.listen({ host: '127.0.0.1', port: 0 });
    return (app.server.address() as { port: number }).port;
  },
  close: () => app.close(),
});
