/**
 * Runs the TypeScript compiler on a scratch project, for tests that prove what the types accept and
 * refuse (`@ts-expect-error` lines fail the compile when the error they expect goes away).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../helpers/temp-pages.js';

const TSC = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');

export interface TscResult { status: number | null; output: string; errors: string[] }

export function tsc(project: string): TscResult {
  const run = spawnSync(process.execPath, [TSC, '-p', project, '--pretty', 'false'], { encoding: 'utf8', timeout: 120_000 });
  const output = `${run.stdout}${run.stderr}`;
  return { status: run.status, output, errors: output.split('\n').filter((l) => /error TS\d+/.test(l)) };
}

/** Copies a fixture under the repo's `.pagebound/` (so `import 'pagebound'` resolves by self-reference). */
export function scratchCopy(fixture: string, name: string): { dir: string; remove(): void } {
  const root = path.join(REPO, '.pagebound');
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(path.join(root, `${name}-`));
  cpSync(fixture, dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
