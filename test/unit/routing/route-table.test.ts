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
