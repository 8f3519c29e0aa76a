/**
 * Lists the files under the pages folder (the only file-system step of routing).
 */
import { readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PB_ERR_PAGES_DIR } from '../errors.js';
import { buildRouteTable, type RouteEntry } from './route-table.js';

export async function listFiles(root: string): Promise<string[]> {
  if (!existsSync(root)) throw new PB_ERR_PAGES_DIR(root);
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .filter((f) => !f.split('/').some((s) => s === 'node_modules' || s.startsWith('.')));
}

export async function scanPages(pagesDir: string): Promise<RouteEntry[]> {
  return buildRouteTable(await listFiles(pagesDir));
}
