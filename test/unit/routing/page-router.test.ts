/**
 * The page router on real folders: which file serves a URL (static, then parameter, then catch-all),
 * decoded parameters, trailing and doubled slashes, socket modules, and reloads that add, remove or
 * refuse files while the server runs.
 */
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PageRouter } from '../../../src/routing/page-router.js';

let dir: string;

/** Empty module files are enough: the router reads names, not contents. */
function touch(...files: string[]): void {
  for (const file of files) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), '');
  }
}

async function routerFor(...files: string[]): Promise<PageRouter> {
  touch(...files);
  const router = new PageRouter(dir);
  await router.reload();
  return router;
}

/** `file {params}` of the page serving `url`, or null for a 404. */
function served(router: PageRouter, url: string): [string, Record<string, string>] | null {
  const m = router.match(url);
  return m ? [m.route.file, m.params] : null;
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-router-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('precedence', () => {
  const files = ['index.page.ts', 'users/new.page.ts', 'users/[id].page.ts', 'users/[...rest].page.ts', '[...all].page.ts'];

  it('a static segment wins over a parameter, a parameter over a catch-all', async () => {
    const router = await routerFor(...files);
    expect(served(router, '/users/new')).toEqual(['users/new.page.ts', {}]);
    expect(served(router, '/users/42')).toEqual(['users/[id].page.ts', { id: '42' }]);
    expect(served(router, '/users/42/edit')).toEqual(['users/[...rest].page.ts', { rest: '42/edit' }]);
    expect(served(router, '/elsewhere/deep')).toEqual(['[...all].page.ts', { all: 'elsewhere/deep' }]);
  });

  it('an index page wins over a root catch-all at /', async () => {
    const router = await routerFor(...files);
    expect(served(router, '/')).toEqual(['index.page.ts', {}]);
  });

  it('gives precedence by shape, whatever order the files were found in', async () => {
    const router = await routerFor('a/[...rest].page.ts', 'a/[x].page.ts', 'a/b.page.ts');
    expect(served(router, '/a/b')?.[0]).toBe('a/b.page.ts');
    expect(served(router, '/a/c')?.[0]).toBe('a/[x].page.ts');
    expect(served(router, '/a/c/d')?.[0]).toBe('a/[...rest].page.ts');
  });

  it('is case-sensitive, as URLs are', async () => {
    const router = await routerFor('about.page.ts');
    expect(served(router, '/about')?.[0]).toBe('about.page.ts');
    expect(served(router, '/About')).toBeNull();
  });

  it('answers no match for a URL no page serves', async () => {
    const router = await routerFor('index.page.ts', 'users/[id].page.ts');
    expect(served(router, '/nope')).toBeNull();
    expect(served(router, '/users/1/2')).toBeNull();
  });
});

describe('catch-all folders', () => {
  it('also serves its own folder, with an empty parameter', async () => {
    const router = await routerFor('docs/[...path].page.ts');
    expect(served(router, '/docs')).toEqual(['docs/[...path].page.ts', { path: '' }]);
    expect(served(router, '/docs/')).toEqual(['docs/[...path].page.ts', { path: '' }]);
    expect(served(router, '/docs/a/b')).toEqual(['docs/[...path].page.ts', { path: 'a/b' }]);
  });

  it('leaves its folder to an index page when there is one', async () => {
    const router = await routerFor('docs/[...path].page.ts', 'docs/index.page.ts');
    expect(served(router, '/docs')).toEqual(['docs/index.page.ts', {}]);
    expect(served(router, '/docs/x')).toEqual(['docs/[...path].page.ts', { path: 'x' }]);
  });

  it('leaves its folder to a page of the same name', async () => {
    const router = await routerFor('docs/[...path].page.ts', 'docs.page.ts');
    expect(served(router, '/docs')?.[0]).toBe('docs.page.ts');
  });
});

describe('parameters', () => {
  it('are percent-decoded', async () => {
    const router = await routerFor('users/[id].page.ts', 'files/[...path].page.ts');
    expect(served(router, '/users/J%C3%BCrgen')?.[1]).toEqual({ id: 'Jürgen' });
    expect(served(router, '/users/a%20b')?.[1]).toEqual({ id: 'a b' });
    expect(served(router, '/files/a%20b/c%3Fd')?.[1]).toEqual({ path: 'a b/c?d' });
  });

  it('keep an encoded slash inside one parameter instead of splitting the path', async () => {
    const router = await routerFor('users/[id].page.ts');
    expect(served(router, '/users/a%2Fb')).toEqual(['users/[id].page.ts', { id: 'a/b' }]);
  });

  it('are named after the file, several in order', async () => {
    const router = await routerFor('blog/[year]/[slug].page.ts');
    expect(served(router, '/blog/2026/hello-world')?.[1]).toEqual({ year: '2026', slug: 'hello-world' });
  });

  it('refuse a malformed percent-encoding instead of throwing', async () => {
    const router = await routerFor('users/[id].page.ts');
    expect(() => router.match('/users/%E0%A4%A')).not.toThrow();
    expect(served(router, '/users/%E0%A4%A')).toBeNull();
  });
});

describe('slashes', () => {
  it('ignores a trailing slash', async () => {
    const router = await routerFor('about.page.ts', 'users/[id].page.ts');
    expect(served(router, '/about/')?.[0]).toBe('about.page.ts');
    expect(served(router, '/users/42/')).toEqual(['users/[id].page.ts', { id: '42' }]);
  });

  it('treats doubled slashes as one', async () => {
    const router = await routerFor('users/new.page.ts');
    expect(served(router, '//users//new')?.[0]).toBe('users/new.page.ts');
  });
});

describe('socket modules', () => {
  it('are found by socket(), not by match()', async () => {
    const router = await routerFor('chat.socket.ts', 'index.page.ts');
    expect(router.socket('/chat')?.file).toBe('chat.socket.ts');
    expect(router.socket('/chat')?.kind).toBe('socket');
    expect(served(router, '/chat')).toBeNull();
  });

  it('share a path with a page without either shadowing the other', async () => {
    const router = await routerFor('chat.socket.ts', 'chat.page.ts');
    expect(router.socket('/chat')?.file).toBe('chat.socket.ts');
    expect(served(router, '/chat')?.[0]).toBe('chat.page.ts');
  });

  it('ignore trailing slashes, and need the exact path otherwise', async () => {
    const router = await routerFor('rooms/lobby.socket.ts');
    expect(router.socket('/rooms/lobby/')?.file).toBe('rooms/lobby.socket.ts');
    expect(router.socket('/rooms/lobby//')?.file).toBe('rooms/lobby.socket.ts');
    expect(router.socket('rooms/lobby')).toBeUndefined();
    expect(router.socket('/rooms/Lobby')).toBeUndefined();
    expect(router.socket('/rooms')).toBeUndefined();
    expect(router.socket('/')).toBeUndefined();
  });

  it('a socket at the root index is found at /', async () => {
    const router = await routerFor('index.socket.ts');
    expect(router.socket('/')?.file).toBe('index.socket.ts');
  });
});

describe('reload', () => {
  it('serves nothing before the first reload', () => {
    const router = new PageRouter(dir);
    expect(router.routes).toEqual([]);
    expect(router.match('/')).toBeUndefined();
  });

  it('picks up a page added after start, and forgets a removed one', async () => {
    const router = await routerFor('index.page.ts');
    expect(served(router, '/new')).toBeNull();
    touch('new.page.ts', 'live.socket.ts');
    await router.reload();
    expect(served(router, '/new')?.[0]).toBe('new.page.ts');
    expect(router.socket('/live')?.file).toBe('live.socket.ts');
    unlinkSync(path.join(dir, 'new.page.ts'));
    unlinkSync(path.join(dir, 'live.socket.ts'));
    await router.reload();
    expect(served(router, '/new')).toBeNull();
    expect(router.socket('/live')).toBeUndefined();
    expect(router.routes.map((r) => r.file)).toEqual(['index.page.ts']);
  });

  it('lets a new static page take over a URL a parameter served', async () => {
    const router = await routerFor('users/[id].page.ts');
    expect(served(router, '/users/me')?.[0]).toBe('users/[id].page.ts');
    touch('users/me.page.ts');
    await router.reload();
    expect(served(router, '/users/me')?.[0]).toBe('users/me.page.ts');
    expect(served(router, '/users/42')?.[0]).toBe('users/[id].page.ts');
  });

  it('on a conflicting tree throws and keeps serving the previous table', async () => {
    expect.assertions(4);
    const router = await routerFor('about.page.ts');
    touch('about/index.page.ts', 'other.page.ts');
    try {
      await router.reload();
    } catch (err) {
      expect((err as { code: string }).code).toBe('PB_ERR_ROUTE_CONFLICT');
    }
    expect(served(router, '/about')?.[0]).toBe('about.page.ts');
    expect(served(router, '/other')).toBeNull();
    expect(router.routes.map((r) => r.file)).toEqual(['about.page.ts']);
  });

  it('on an invalid file name throws PB_ERR_ROUTE_INVALID and keeps the previous table', async () => {
    const router = await routerFor('index.page.ts');
    touch('post-[id].page.ts');
    await expect(router.reload()).rejects.toMatchObject({ code: 'PB_ERR_ROUTE_INVALID' });
    expect(served(router, '/')?.[0]).toBe('index.page.ts');
  });

  it('throws PB_ERR_PAGES_DIR when the folder is gone, still serving the last table', async () => {
    const router = await routerFor('index.page.ts');
    rmSync(dir, { recursive: true, force: true });
    await expect(router.reload()).rejects.toMatchObject({ code: 'PB_ERR_PAGES_DIR' });
    expect(served(router, '/')?.[0]).toBe('index.page.ts');
  });

  it('skips dot folders and node_modules inside the pages folder', async () => {
    const router = await routerFor('index.page.ts', '.cache/x.page.ts', 'node_modules/pkg/y.page.ts', 'lib/.hidden.page.ts');
    expect(router.routes.map((r) => r.file)).toEqual(['index.page.ts']);
  });
});
