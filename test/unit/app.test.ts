import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { pagebound } from '../../src/index.js';
import { fixture } from '../helpers/temp-pages.js';

describe('pagebound as a Fastify plugin', () => {
  it('lives inside an existing Fastify app: the host\'s routes win, pages serve the rest', async () => {
    const app = Fastify({ logger: false });
    app.get('/api/health', async () => ({ ok: true }));
    app.get('/users/admin', async () => 'host route');
    await app.register(pagebound, { pagesDir: fixture('site'), publicDir: false, dev: false });
    try {
      expect((await app.inject('/api/health')).json()).toEqual({ ok: true });
      expect((await app.inject('/users/admin')).body).toBe('host route');
      expect((await app.inject('/users/7')).body).toContain('User 7');
      expect((await app.inject('/')).body).toContain('<h1 id="greeting">Hello</h1>');
      expect(app.pagebound.router.routes.some((r) => r.url === '/users/:id')).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('stops start-up with PB_ERR_ROUTE_CONFLICT naming both files', async () => {
    const app = Fastify({ logger: false });
    await expect(app.register(pagebound, { pagesDir: fixture('conflict'), publicDir: false })).rejects.toMatchObject({
      code: 'PB_ERR_ROUTE_CONFLICT',
      message: expect.stringContaining('about/index.page.ts'),
    });
    await app.close();
  });

  it('refuses an invalid option with PB_ERR_CONFIG', async () => {
    const app = Fastify({ logger: false });
    await expect(app.register(pagebound, { pagesDir: fixture('site'), retainMs: -1 })).rejects.toMatchObject({
      code: 'PB_ERR_CONFIG',
      message: expect.stringContaining('retainMs'),
    });
    await app.close();
  });
});
