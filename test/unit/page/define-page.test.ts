/**
 * definePage's run-time side: redirects are recognised by their brand, not their shape, and the
 * example pages are written without `any`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createServer } from '../../../src/server.js';
import { REPO } from '../../helpers/temp-pages.js';
import { definePage, isRedirect, makeRedirect } from '../../../src/page/define-page.js';
import { list } from '../../../src/page/live-list.js';

let app: FastifyInstance;
let dir: string;
beforeAll(async () => {
  // Inside the repo, so the pages' `import 'pagebound'` resolves.
  dir = mkdtempSync(path.join(REPO, '.pagebound', 'redirects-'));
  writeFileSync(path.join(dir, 'lookalike.page.ts'), `import { definePage } from 'pagebound';
export default definePage({ inline: '<p><%= it.redirect %> <%= it.code %></p>', layout: false, get: () => ({ redirect: '/elsewhere', code: 303 }) });
`);
  writeFileSync(path.join(dir, 'real.page.ts'), `import { definePage } from 'pagebound';
export default definePage({ inline: '<p>never</p>', layout: false, get: (ctx) => ctx.redirect('/thanks') });
`);
  app = await createServer({ pagesDir: dir, publicDir: false, logger: false, dev: false });
});
afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('redirects', () => {
  it('data shaped like a redirect renders as data', async () => {
    const res = await app.inject('/lookalike');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<p>/elsewhere 303</p>');
  });

  it('ctx.redirect() redirects (303 by default)', async () => {
    const res = await app.inject('/real');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/thanks');
  });

  it('only a branded value is a redirect', () => {
    expect(isRedirect(makeRedirect('/a', 302))).toBe(true);
    expect(isRedirect({ redirect: '/a', code: 302 })).toBe(false);
    expect(isRedirect(null)).toBe(false);
  });
});

describe('the example pages', () => {
  it('use no `any`', () => {
    const pages = path.join(REPO, 'pages');
    const files = readdirSync(pages, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.parentPath.includes('$types'))
      .map((e) => path.join(e.parentPath, e.name));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toMatch(/\bany\b|as unknown as/);
  });
});

describe('definePage({ lists })', () => {
  it('takes lists with an item template and an optional positive limit', () => {
    const def = definePage({ lists: { messages: { item: 'message.eta', limit: 50 }, 'b.c:d-e_f': { item: 'x.eta' } } });
    expect(def.lists?.messages).toEqual({ item: 'message.eta', limit: 50 });
  });

  it('refuses a wrong declaration when the module loads, naming what to write', () => {
    const bad: Array<[unknown, RegExp]> = [
      [[], /must be an object/],
      ['x', /must be an object/],
      [{ 'a b': { item: 'x.eta' } }, /list name/],
      [{ ['x'.repeat(65)]: { item: 'x.eta' } }, /list name/],
      [{ m: null }, /needs \{ item/],
      [{ m: { item: '' } }, /needs \{ item/],
      [{ m: { item: 'x.eta', limit: 0 } }, /positive integer/],
      [{ m: { item: 'x.eta', limit: 2.5 } }, /positive integer/],
    ];
    for (const [lists, message] of bad) expect(() => definePage({ lists: lists as never }), JSON.stringify(lists)).toThrow(message);
  });

  it('list<T>() is the same declaration at run time, checked as any other', () => {
    const def = definePage({ lists: { messages: list<{ id: string }>({ item: 'message.eta', limit: 50 }) } });
    expect(def.lists?.messages).toEqual({ item: 'message.eta', limit: 50 });
    expect(() => definePage({ lists: { m: list<{ id: string }>({ item: 'x.eta', limit: -1 }) } })).toThrow(/positive integer/);
  });
});
