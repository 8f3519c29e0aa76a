import { describe, expect, it } from 'vitest';
import { buildRouteTable } from '../../../src/routing/route-table.js';

const urls = (files: string[]) => buildRouteTable(files).map((r) => `${r.kind} ${r.url} <- ${r.file}`);

describe('buildRouteTable', () => {
  it('maps files to routes: index, nesting, params and catch-alls', () => {
    expect(urls([
      'index.page.ts', 'about.page.ts', 'users/[id].page.ts', 'users/index.page.ts',
      'docs/[...path].page.ts', 'blog/[year]/[slug].page.ts', 'bot.socket.ts',
    ])).toEqual([
      'page / <- index.page.ts',
      'page /about <- about.page.ts',
      'page /blog/:year/:slug <- blog/[year]/[slug].page.ts',
      'page /docs/* <- docs/[...path].page.ts',
      'page /users <- users/index.page.ts',
      'page /users/:id <- users/[id].page.ts',
      'socket /bot <- bot.socket.ts',
    ]);
  });

  it('records parameter names and the catch-all', () => {
    const [docs] = buildRouteTable(['docs/[...path].page.ts']);
    expect(docs).toMatchObject({ params: ['path'], catchAll: 'path' });
    const [user] = buildRouteTable(['users/[id].page.ts']);
    expect(user).toMatchObject({ params: ['id'], catchAll: undefined });
  });

  it('never routes templates, helpers, layouts or private files', () => {
    expect(urls([
      'index.eta', '_layout.eta', 'helpers.ts', '_404.page.ts', '_lib/db.page.ts', 'partials/nav.eta', 'x.page.ts.bak',
    ])).toEqual([]);
  });

  it('stops with an error naming both files when two map to one route', () => {
    expect.assertions(3);
    try {
      buildRouteTable(['about.page.ts', 'about/index.page.ts']);
    } catch (err) {
      const e = err as { code: string; message: string };
      expect(e.code).toBe('PB_ERR_ROUTE_CONFLICT');
      expect(e.message).toContain('about.page.ts');
      expect(e.message).toContain('about/index.page.ts');
    }
  });

  it('treats differently named parameters at one place as a conflict', () => {
    expect(() => buildRouteTable(['users/[id].page.ts', 'users/[name].page.ts'])).toThrowError(
      expect.objectContaining({ code: 'PB_ERR_ROUTE_CONFLICT' }),
    );
  });

  it('lets a page and a socket module share a path', () => {
    expect(urls(['chat.page.ts', 'chat.socket.ts'])).toEqual(['page /chat <- chat.page.ts', 'socket /chat <- chat.socket.ts']);
  });

  it('rejects a catch-all that is not last and malformed parameter names', () => {
    expect(() => buildRouteTable(['[...all]/x.page.ts'])).toThrowError(expect.objectContaining({ code: 'PB_ERR_ROUTE_INVALID' }));
    expect(() => buildRouteTable(['users/[my-id].page.ts'])).toThrowError(expect.objectContaining({ code: 'PB_ERR_ROUTE_INVALID' }));
    expect(() => buildRouteTable(['post-[id].page.ts'])).toThrowError(expect.objectContaining({ code: 'PB_ERR_ROUTE_INVALID' }));
  });
});

describe('buildRouteTable: the rest of the naming rules', () => {
  it('takes .page/.socket modules in .ts, .js and .mts, and nothing else', () => {
    expect(urls(['a.page.js', 'b.page.mts', 'c.socket.js', 'd.socket.mts', 'e.page.tsx', 'f.pages.ts', 'g.page.d.ts'])).toEqual([
      'page /a <- a.page.js',
      'page /b <- b.page.mts',
      'socket /c <- c.socket.js',
      'socket /d <- d.socket.mts',
    ]);
  });

  it('treats the same route in two module extensions as a conflict', () => {
    expect(() => buildRouteTable(['about.page.ts', 'about.page.js'])).toThrowError(
      expect.objectContaining({ code: 'PB_ERR_ROUTE_CONFLICT' }),
    );
  });

  it('routes a root catch-all and a nested index', () => {
    expect(urls(['[...all].page.ts', 'shop/cart/index.page.ts'])).toEqual([
      'page /* <- [...all].page.ts',
      'page /shop/cart <- shop/cart/index.page.ts',
    ]);
  });

  it('never routes dot files or files under a dot or underscore folder', () => {
    expect(urls(['.x.page.ts', '.well-known/y.page.ts', 'a/_private/z.page.ts'])).toEqual([]);
  });

  it.each([
    ['users/[id]/posts/[id].page.ts', 'appears twice'],
    ['a b.page.ts', 'characters a URL cannot hold'],
    ['q?x.page.ts', 'characters a URL cannot hold'],
    ['[1st].page.ts', 'not a valid parameter name'],
    ['docs/[...].page.ts', 'not a valid parameter name'],
    ['[[id]].page.ts', 'not a valid parameter name'],
  ])('refuses %s, saying why and naming the file', (file, why) => {
    expect.assertions(3);
    try {
      buildRouteTable([file]);
    } catch (err) {
      const e = err as { code: string; message: string };
      expect(e.code).toBe('PB_ERR_ROUTE_INVALID');
      expect(e.message).toContain(file);
      expect(e.message).toContain(why);
    }
  });
});
