/**
 * The generated `./$types` modules: one per page, its params from the file name, rewritten when
 * stale, removed with their page, and never touching a file pagebound did not write.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildRouteTable } from '../../../src/routing/route-table.js';
import { paramsType, routeTypeFiles, typesModuleOf, watchRouteTypes, writeRouteTypes } from '../../../src/routing/route-types.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-route-types-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe('route types (pure)', () => {
  it('puts each page\'s module in a $types folder beside it', () => {
    expect(typesModuleOf('users/[id].page.ts')).toBe('users/$types/[id].ts');
    expect(typesModuleOf('index.page.ts')).toBe('$types/index.ts');
    expect(typesModuleOf('docs/[...path].page.ts')).toBe('docs/$types/[...path].ts');
  });

  it('types every parameter and a catch-all as a string, and a static page as having none', () => {
    const [about, post, docs] = buildRouteTable(['about.page.ts', 'docs/[...path].page.ts', 'blog/[year]/[slug].page.ts'])
      .sort((a, b) => a.file.localeCompare(b.file));
    expect(paramsType(about!)).toBe('{}');
    expect(paramsType(post!)).toBe('{ readonly year: string; readonly slug: string }');
    expect(paramsType(docs!)).toBe('{ readonly path: string }');
  });

  it('generates modules for pages only (socket modules have no route params), with a .gitignore per folder', () => {
    const files = routeTypeFiles(buildRouteTable(['users/[id].page.ts', 'echo.socket.ts']));
    expect([...files.keys()].sort()).toEqual(['users/$types/.gitignore', 'users/$types/[id].ts']);
    expect(files.get('users/$types/[id].ts')).toContain("export type Params = { readonly id: string };");
    expect(files.get('users/$types/[id].ts')).toContain("from 'pagebound'");
  });
});

describe('writeRouteTypes', () => {
  it('writes what is missing, leaves current files untouched, and rewrites a hand-edited one', async () => {
    const dir = tree({ 'users/[id].page.ts': '', 'about.page.ts': '' });
    const first = await writeRouteTypes(dir);
    expect(first.written.sort()).toEqual(['$types/.gitignore', '$types/about.ts', 'users/$types/.gitignore', 'users/$types/[id].ts']);
    expect((await writeRouteTypes(dir)).written).toEqual([]);
    const file = path.join(dir, 'users/$types/[id].ts');
    const generated = readFileSync(file, 'utf8');
    writeFileSync(file, generated.replace('readonly id: string', 'readonly id: number'));
    expect((await writeRouteTypes(dir)).written).toEqual(['users/$types/[id].ts']);
    expect(readFileSync(file, 'utf8')).toBe(generated);
  });

  it('removes the module of a deleted page and the emptied folder, but never a file it did not write', async () => {
    const dir = tree({ 'users/[id].page.ts': '', 'blog/[slug].page.ts': '' });
    await writeRouteTypes(dir);
    writeFileSync(path.join(dir, 'users/$types/mine.ts'), 'export const mine = 1;\n');
    rmSync(path.join(dir, 'users/[id].page.ts'));
    rmSync(path.join(dir, 'blog/[slug].page.ts'));
    const { removed } = await writeRouteTypes(dir);
    expect(removed.sort()).toEqual(['blog/$types/[slug].ts', 'users/$types/[id].ts']);
    expect(existsSync(path.join(dir, 'blog/$types'))).toBe(false);
    expect(readFileSync(path.join(dir, 'users/$types/mine.ts'), 'utf8')).toBe('export const mine = 1;\n');
  });

  it('fails with the route table\'s own error on a conflicting tree, writing nothing', async () => {
    expect.assertions(2);
    const dir = tree({ 'about.page.ts': '', 'about/index.page.ts': '' });
    await writeRouteTypes(dir).catch((err) => expect(err.code).toBe('PB_ERR_ROUTE_CONFLICT'));
    expect(existsSync(path.join(dir, '$types'))).toBe(false);
  });
});

describe('watchRouteTypes (dev)', () => {
  it('writes the module of a page added while watching, and removes it when the page goes', async () => {
    const dir = tree({ 'index.page.ts': '' });
    await writeRouteTypes(dir);
    const errors: unknown[] = [];
    const stop = watchRouteTypes(dir, (err) => errors.push(err));
    try {
      mkdirSync(path.join(dir, 'blog'));
      writeFileSync(path.join(dir, 'blog/[slug].page.ts'), '');
      await expect.poll(() => existsSync(path.join(dir, 'blog/$types/[slug].ts')), { timeout: 5000 }).toBe(true);
      rmSync(path.join(dir, 'blog/[slug].page.ts'));
      await expect.poll(() => existsSync(path.join(dir, 'blog/$types/[slug].ts')), { timeout: 5000 }).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      stop();
    }
  });
});
