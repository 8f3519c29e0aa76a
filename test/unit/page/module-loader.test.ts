/**
 * The module graph in dev: an edit reloads the edited file and what imports it, nothing else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { ModuleLoader } from '../../../src/page/module-loader.js';
import { tempCopy } from '../../helpers/temp-pages.js';

const tree = tempCopy('graph');
let loader: ModuleLoader;
type Def = { on: Record<string, () => unknown> };
const load = async (file: string) => (await loader.load(file)) as unknown as Def;
/** Saves a file as an editor would: new content, new mtime. */
const touch = (file: string) => appendFileSync(path.join(tree.dir, file), `\n// edited ${Date.now()}\n`);

beforeAll(async () => {
  loader = new ModuleLoader(tree.dir, { hot: true });
  // Every page loaded once, so the graph knows every import.
  for (const f of ['a.page.ts', 'b.page.ts', 'c.page.ts']) await loader.load(f);
});
afterAll(async () => {
  await loader.close();
  tree.remove();
});

describe('ModuleLoader (hot)', () => {
  it('an edit of one page reloads that page only; the store keeps its one instance', async () => {
    const [a, b, c] = [await load('a.page.ts'), await load('b.page.ts'), await load('c.page.ts')];
    const store = a.on.store!();
    expect(b.on.store!()).toBe(store);

    touch('c.page.ts');
    expect([...loader.invalidate(['c.page.ts'])]).toEqual(['c.page.ts']);
    expect(await load('c.page.ts')).not.toBe(c);
    expect(await load('a.page.ts')).toBe(a);
    expect(await load('b.page.ts')).toBe(b);
    expect((await load('b.page.ts')).on.store!()).toBe(store);
  });

  it('an edit of a helper reloads it and its importers, up the chain, and no one else', async () => {
    const [a, b] = [await load('a.page.ts'), await load('b.page.ts')];
    const store = a.on.store!();
    const util = a.on.util!();

    touch('_lib/util.ts');
    expect([...loader.invalidate(['_lib/util.ts'])].sort()).toEqual(['_lib/util.ts', 'a.page.ts']);
    const a2 = await load('a.page.ts');
    expect(a2).not.toBe(a);
    expect(a2.on.util!()).not.toBe(util);
    expect(a2.on.store!()).toBe(store);
    expect(await load('b.page.ts')).toBe(b);
  });

  it('an edit of the store gives every importer, direct or not, one new store', async () => {
    const store = (await load('a.page.ts')).on.store!();
    touch('_lib/store.ts');
    expect([...loader.invalidate(['_lib/store.ts'])].sort()).toEqual(['_lib/store.ts', '_lib/util.ts', 'a.page.ts', 'b.page.ts']);
    const [a, b] = [await load('a.page.ts'), await load('b.page.ts')];
    const fresh = a.on.store!();
    expect(fresh).not.toBe(store);
    expect(b.on.store!()).toBe(fresh);
    expect((a.on.util!() as { store: unknown }).store).toBe(fresh);
  });

  it('applies one save once, however many times it is reported', async () => {
    touch('b.page.ts');
    expect([...loader.invalidate(['b.page.ts'])]).toEqual(['b.page.ts']);
    const b = await load('b.page.ts');
    expect([...loader.invalidate(['b.page.ts', 'b.page.ts'])]).toEqual([]);
    expect(await load('b.page.ts')).toBe(b);
  });

  it('noticeEdits: a request right after a save runs the saved page before the watcher reports it', async () => {
    const c = await load('c.page.ts');
    loader.noticeEdits('c.page.ts');
    expect(await load('c.page.ts')).toBe(c);
    touch('c.page.ts');
    loader.noticeEdits('c.page.ts');
    expect(await load('c.page.ts')).not.toBe(c);
  });
});

describe('ModuleLoader (production)', () => {
  it('never invalidates', async () => {
    const prod = new ModuleLoader(tree.dir);
    try {
      const c = await prod.load('c.page.ts');
      touch('c.page.ts');
      expect(prod.invalidate(['c.page.ts']).size).toBe(0);
      expect(await prod.load('c.page.ts')).toBe(c);
    } finally {
      await prod.close();
    }
  });
});
