import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { watchFiles } from '../../../src/dev/watcher.js';
import type { Changes } from '../../../src/dev/dev-loop.js';

const stops: Array<() => void> = [];
afterEach(() => { for (const stop of stops.splice(0)) stop(); });

function setup() {
  const root = mkdtempSync(path.join(tmpdir(), 'pb-watch-'));
  const pagesDir = path.join(root, 'pages');
  const publicDir = path.join(root, 'public');
  mkdirSync(path.join(pagesDir, 'sub'), { recursive: true });
  mkdirSync(publicDir);
  const batches: Changes[] = [];
  stops.push(watchFiles({ pagesDir, publicDir }, (c) => batches.push(c), (e) => { throw e; }));
  stops.push(() => rmSync(root, { recursive: true, force: true }));
  return { pagesDir, publicDir, batches };
}

const settle = () => new Promise((r) => setTimeout(r, 300));

describe('watchFiles', () => {
  it('gathers the writes of one save into one batch, by folder, with posix paths', async () => {
    const { pagesDir, publicDir, batches } = setup();
    await settle();
    writeFileSync(path.join(pagesDir, 'sub', 'a.eta'), '1');
    writeFileSync(path.join(pagesDir, 'sub', 'a.eta'), '2');
    writeFileSync(path.join(publicDir, 'style.css'), 'x');
    await settle();
    expect(batches).toHaveLength(1);
    expect(batches[0]!.pages).toEqual(['sub/a.eta']);
    expect(batches[0]!.public).toEqual(['style.css']);
  });

  it('ignores editor droppings: swap, backup and dot files', async () => {
    const { pagesDir, batches } = setup();
    await settle();
    writeFileSync(path.join(pagesDir, '.a.eta.swp'), '1');
    writeFileSync(path.join(pagesDir, 'a.eta~'), '1');
    writeFileSync(path.join(pagesDir, '.hidden'), '1');
    await settle();
    expect(batches).toEqual([]);
  });
});
