import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../helpers/server.js';
import { fixture } from '../../helpers/temp-pages.js';

describe('CSRF: page handlers of non-GET methods refuse requests another site started (real port)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ pagesDir: fixture('forms'), dev: false, allowedOrigins: ['https://partner.example'] });
  });
  afterAll(() => server.close());

  const post = (headers: Record<string, string>) => fetch(`${server.url}/upload`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: 'title=x',
  });

  it('refuses a form posted from another origin with 403 PB_ERR_CSRF', async () => {
    const res = await post({ origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('evil.example');
  });

  it('refuses a post the browser marks cross-site or same-site (a sibling subdomain)', async () => {
    expect((await post({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post({ 'sec-fetch-site': 'same-site', origin: 'http://sub.127.0.0.1' })).status).toBe(403);
  });

  it('accepts posts from the page\'s own origin, from allowedOrigins, and from non-browser clients', async () => {
    expect((await post({ origin: server.origin, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await post({ origin: 'https://partner.example', 'sec-fetch-site': 'cross-site' })).status).toBe(200);
    expect((await post({})).status).toBe(200);
  });

  it('never blocks GET, and csrf: false turns the check off', async () => {
    expect((await fetch(`${server.url}/flash`, { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } })).status).toBe(200);
    const open = await startServer({ pagesDir: fixture('forms'), dev: false, csrf: false });
    try {
      const res = await fetch(`${open.url}/upload`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }, body: 'title=x',
      });
      expect(res.status).toBe(200);
    } finally {
      await open.close();
    }
  });
});
