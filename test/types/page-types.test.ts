/**
 * A page written with no generics gets typed route parameters, event data, replies and pushes, on
 * the server and in browser code: the fixture project under fixtures/app compiles with `strict`, and
 * each `@ts-expect-error` line in it must really be an error (else TS2578 fails the compile).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeRouteTypes } from '../../src/routing/route-types.js';
import { scratchCopy, tsc } from './tsc.js';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'app');

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.parentPath.includes('$types'))
    .map((e) => path.join(e.parentPath, e.name));
}
const directives = (dir: string) => files(dir).reduce((n, f) => n + (readFileSync(f, 'utf8').match(/@ts-expect-error/g)?.length ?? 0), 0);

let app: ReturnType<typeof scratchCopy>;
beforeAll(async () => {
  app = scratchCopy(FIXTURE, 'types-app');
  await writeRouteTypes(path.join(app.dir, 'pages'));
});
afterAll(() => app?.remove());

describe('types from the file name and the declarations', () => {
  it('compiles under strict, every expected error present (params, schemas, unknown data, emits, replies, absent socket, list names and items)', { timeout: 120_000 }, () => {
    expect(directives(app.dir)).toBeGreaterThanOrEqual(25);
    const result = tsc(app.dir);
    expect(result.output).toBe('');
    expect(result.errors).toEqual([]);
    expect(result.status).toBe(0);
  });

  it('fails when the params lose their file-name types (pages importing definePage from pagebound instead)', { timeout: 120_000 }, () => {
    const loose = scratchCopy(app.dir, 'types-loose');
    try {
      for (const file of files(path.join(loose.dir, 'pages'))) {
        const src = readFileSync(file, 'utf8');
        writeFileSync(file, src.replace(/from '\.\/\$types\/[^']+'/, "from 'pagebound'"));
      }
      const result = tsc(loose.dir);
      // The `@ts-expect-error` lines that guard the params are now unused: the compile fails on them.
      expect(result.errors.some((e) => e.includes('users/[id].page.ts(8,') && e.includes('TS2578'))).toBe(true);
      expect(result.errors.some((e) => e.includes('about.page.ts(5,') && e.includes('TS2578'))).toBe(true);
    } finally {
      loose.remove();
    }
  });

  it('a renamed page gets new types and the old module is removed, so a stale import fails to compile', { timeout: 120_000 }, async () => {
    const moved = scratchCopy(app.dir, 'types-moved');
    try {
      const pages = path.join(moved.dir, 'pages');
      renameSync(path.join(pages, 'users', '[id].page.ts'), path.join(pages, 'users', '[uid].page.ts'));
      const { written, removed } = await writeRouteTypes(pages);
      expect(written).toContain('users/$types/[uid].ts');
      expect(removed).toEqual(['users/$types/[id].ts']);
      const result = tsc(moved.dir);
      expect(result.errors.some((e) => e.includes('[uid].page.ts') && e.includes("'./$types/[id].js'"))).toBe(true);
    } finally {
      moved.remove();
    }
  });
});
