import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createServer } from '../../../src/server.js';
import { fixture } from '../../helpers/temp-pages.js';

describe('rendering pages (production mode)', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await createServer({ pagesDir: fixture('site'), publicDir: false, dev: false, logger: false });
  });
  afterAll(() => app.close());

  it('renders a page through its template, a partial and the root layout', async () => {
    const res = await app.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<div id="root-layout"><h1 id="greeting">Hello</h1>');
    expect(res.body).toContain('<footer id="footer">Footer 2026</footer>');
    expect(res.body).toContain('<title>Home</title>');
  });

  it('escapes a <script> in a route parameter and in the query; raw output only through <%~', async () => {
    const res = await app.inject('/users/' + encodeURIComponent('<script>alert(1)</script>') + '?q=%22%3E%3Cimg%20src%3Dx%3E');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('User &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.body).not.toContain('<script>alert(1)</script>');
    expect(res.body).toContain('<p id="q">&quot;&gt;&lt;img src=x&gt;</p>');
    expect(res.body).toContain('<p id="raw"><b>bold</b></p>');
  });

  it('prefers a static segment over a parameter', async () => {
    expect((await app.inject('/users/static')).body).toContain('static wins');
    expect((await app.inject('/users/7')).body).toContain('User 7');
  });

  it('passes the rest of the path to a catch-all, including its bare folder', async () => {
    expect((await app.inject('/docs/a/b/c')).body).toContain('<p id="path">[a/b/c]</p>');
    expect((await app.inject('/docs')).body).toContain('<p id="path">[]</p>');
  });

  it('wraps a page in the nearest _layout.eta up the folder tree', async () => {
    const res = await app.inject('/admin');
    expect(res.body).toContain('<div id="admin-layout"><h1>Admin</h1></div>');
    expect(res.body).not.toContain('root-layout');
  });

  it('handles a form POST like PHP, and redirects with 303 when asked', async () => {
    const form = await app.inject({
      method: 'POST', url: '/form', payload: 'name=%3Cb%3EAda', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<p id="hello">Hello &lt;b&gt;Ada</p>');
    const away = await app.inject({
      method: 'POST', url: '/form', payload: 'go=away', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(away.statusCode).toBe(303);
    expect(away.headers.location).toBe('/');
  });

  it('answers 405 with an Allow header for a method the page does not handle', async () => {
    const res = await app.inject({ method: 'PUT', url: '/form' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, POST');
  });

  it('never serves templates, layouts, partials, helpers or private pages', async () => {
    for (const url of ['/index.eta', '/_layout.eta', '/_partials/footer', '/_partials/footer.eta', '/helpers', '/helpers.ts', '/index.page.ts']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toContain('helpers are never served');
    }
  });

  it('renders the author\'s _404.eta for unknown URLs, escaping the URL', async () => {
    const res = await app.inject('/nope/%3Cscript%3E');
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('id="custom-404"');
    expect(res.body).not.toContain('<script>');
  });

  it('shows a plain 500 with no message or stack in production', async () => {
    const res = await app.inject('/broken');
    expect(res.statusCode).toBe(500);
    expect(res.body).toContain('Something went wrong');
    expect(res.body).not.toContain('the database is on fire');
    expect(res.body).not.toContain('broken.page.ts');
  });

  it('gives a page without live handlers no instance and no client script', async () => {
    const before = app.pagebound.registry.size;
    const res = await app.inject('/');
    expect(res.body).not.toContain('pb-boot');
    expect(app.pagebound.registry.size).toBe(before);
  });

  it('gives a live page an instance, the client script with a CSP nonce, and an HttpOnly SameSite=Lax session cookie', async () => {
    const before = app.pagebound.registry.size;
    const res = await app.inject('/live');
    expect(app.pagebound.registry.size).toBe(before + 1);
    const id = /"id":"([A-Za-z0-9_-]{21,})"/.exec(res.body)?.[1];
    expect(id).toBeDefined();
    expect(app.pagebound.registry.get(id!)).toBeDefined();
    const nonce = /'nonce-([^']+)'/.exec(String(res.headers['content-security-policy']))?.[1];
    expect(res.body).toContain(`<script nonce="${nonce}" src="/_pagebound/client.`);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^pb_session=/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('serves the client bundle with long-cache headers', async () => {
    const res = await app.inject(app.pagebound.bundle.url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toContain('immutable');
    expect(res.body.length).toBeGreaterThan(500);
  });
});
