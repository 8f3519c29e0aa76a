/**
 * Copies a fixture pages folder to a scratch folder inside the repo (so its `import 'pagebound'`
 * still resolves) for tests that edit pages.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const fixture = (name: string) => path.join(REPO, 'test', 'fixtures', name);

export function tempCopy(name: string): { dir: string; remove(): void } {
  const scratch = path.join(REPO, '.pagebound');
  mkdirSync(scratch, { recursive: true });
  const dir = mkdtempSync(path.join(scratch, `${name}-`));
  cpSync(fixture(name), dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
