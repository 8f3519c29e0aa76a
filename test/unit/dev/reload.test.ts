import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, type TestServer } from '../../helpers/server.js';
import { tempCopy } from '../../helpers/temp-pages.js';

describe('dev reload (real port)', () => {
  const pages = tempCopy('site');
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ pagesDir: pages.dir, dev: true });
  });
  afterAll(async () => {
    await server.close();
    pages.remove();
  });

  it('serves an edited page module and template on the next request, with no restart', async () => {
    const first = await (await fetch(`${server.url}/`)).text();
    expect(first).toContain('<h1 id="greeting">Hello</h1>');

    const page = path.join(pages.dir, 'index.page.ts');
    writeFileSync(page, readFileSync(page, 'utf8').replace("greeting: 'Hello'", "greeting: 'Bonjour'"));
    expect(await (await fetch(`${server.url}/`)).text()).toContain('<h1 id="greeting">Bonjour</h1>');

    const template = path.join(pages.dir, 'index.eta');
    writeFileSync(template, readFileSync(template, 'utf8').replace('<h1 id="greeting">', '<h1 id="greeting" class="edited">'));
    expect(await (await fetch(`${server.url}/`)).text()).toContain('<h1 id="greeting" class="edited">Bonjour</h1>');
  });

  it('serves a page file added while running, once the watcher has seen it', async () => {
    expect((await fetch(`${server.url}/fresh`)).status).toBe(404);
    writeFileSync(path.join(pages.dir, 'fresh.page.ts'),
      "import { definePage } from 'pagebound';\nexport default definePage({ inline: '<p id=\"fresh\">fresh</p>' });\n");
    // The watcher is the source of truth for the route table: a 404 does not rescan the folder.
    await vi.waitFor(() => expect(server.app.pagebound.router.match('/fresh')).toBeDefined(), { timeout: 5000, interval: 20 });
    const res = await fetch(`${server.url}/fresh`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<p id="fresh">fresh</p>');
  });

  it('answers a 404 without rescanning the pages folder', async () => {
    const reload = vi.spyOn(server.app.pagebound.router, 'reload');
    try {
      for (let i = 0; i < 5; i++) expect((await fetch(`${server.url}/missing-${i}`)).status).toBe(404);
      expect(reload).not.toHaveBeenCalled();
    } finally {
      reload.mockRestore();
    }
  });

  it('shows a page that does not compile as a dev error page naming the file, then recovers when fixed', async () => {
    const file = path.join(pages.dir, 'live.page.ts');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace("on: { ping: () => 'pong' },", 'on: { ping: () => { return ( } },'));
    const bad = await fetch(`${server.url}/live`);
    expect(bad.status).toBe(500);
    expect(await bad.text()).toMatch(/live\.page\.ts:\d+/);
    writeFileSync(file, good);
    expect((await fetch(`${server.url}/live`)).status).toBe(200);
  });
});
