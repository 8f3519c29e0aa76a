import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from '../helpers/temp-pages.js';

const CREATE = path.join(REPO, 'create-pagebound', 'index.mjs');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'create-pagebound-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const create = (...args: string[]) => spawnSync(process.execPath, [CREATE, ...args], { cwd: tmp, encoding: 'utf8', timeout: 20_000 });

describe('create-pagebound (the starter)', () => {
  it('writes the app with its package name from the folder, a .gitignore, and pagebound as a dependency', () => {
    const run = create('My App!');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('npm run dev');
    const dir = path.join(tmp, 'My App!');
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('my-app');
    expect(pkg.dependencies.pagebound).toBe(`^${JSON.parse(readFileSync(path.join(REPO, 'create-pagebound/package.json'), 'utf8')).version}`);
    expect(pkg.scripts).toMatchObject({ dev: 'pagebound dev', build: 'pagebound build', start: 'pagebound start' });
    expect(existsSync(path.join(dir, '.gitignore'))).toBe(true);
    expect(existsSync(path.join(dir, '_gitignore'))).toBe(false);
  });

  it('takes --pagebound to point the dependency at a tarball', () => {
    expect(create('tarball-app', '--pagebound', 'file:/x/pagebound-0.1.0.tgz').status).toBe(0);
    expect(JSON.parse(readFileSync(path.join(tmp, 'tarball-app/package.json'), 'utf8')).dependencies.pagebound).toBe('file:/x/pagebound-0.1.0.tgz');
  });

  it('refuses a folder that is not empty, leaving it untouched', () => {
    const dir = path.join(tmp, 'taken');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'keep.txt'), 'mine');
    const run = create('taken');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('exists and is not empty');
    expect(existsSync(path.join(dir, 'package.json'))).toBe(false);
  });
});
