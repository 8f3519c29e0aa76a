/**
 * The package as a user gets it: `npm pack` pagebound and create-pagebound into a temporary folder,
 * create an app from the starter's tarball with its pagebound dependency pointing at pagebound's
 * tarball (nothing links into this repository), `npm install`, `npm test`, `pagebound build`, then
 * `pagebound start` with plain Node — tsx and esbuild moved out of reach to prove start needs
 * neither — and click the live page in Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from '../helpers/temp-pages.js';
import { launchBrowser, openPage } from '../e2e/browser.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** The user's environment: not this repository's "pagebound-source" condition (vitest.config.ts). */
const env = (extra: Record<string, string> = {}) => {
  const { NODE_OPTIONS: _ignored, ...rest } = process.env;
  return { ...rest, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extra };
};
const run = (cmd: string, args: string[], cwd: string, timeout = 180_000) =>
  execFileSync(cmd, args, { cwd, env: env(), encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });

describe('pagebound installed from its npm tarball, in an app made by the starter', () => {
  let tmp: string;
  let tarball: string;
  let starter: string;
  let app: string;

  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'pagebound-package-'));
    // prepack compiles dist/ first; the JSON at the end of the output names the tarball.
    const pack = (dir: string) => {
      const out = run(NPM, ['pack', '--json', '--pack-destination', tmp], dir);
      return path.join(tmp, JSON.parse(out.slice(out.lastIndexOf('\n[') + 1))[0].filename as string);
    };
    tarball = pack(REPO);
    starter = pack(path.join(REPO, 'create-pagebound'));
    app = path.join(tmp, 'my-app');
  }, 240_000);
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('holds the compiled library, its types, the runtime bundle, the CLI, README and LICENSE, and nothing else', () => {
    const files = run('tar', ['-tzf', tarball], tmp).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
    for (const f of ['package.json', 'README.md', 'LICENSE', 'bin/pagebound.mjs', 'dist/index.js', 'dist/index.d.ts',
      'dist/cli.js', 'dist/runtime-client.js', 'runtime-client/types.d.ts']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => /^(src|test|bench|pages|public|scripts|docs|create-pagebound|\.ci)\//.test(f))).toEqual([]);
    expect(files.filter((f) => /fixtures|\.test\.|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('creates an app from the starter tarball that installs, passes its own test and builds', () => {
    run(NPM, ['exec', '--yes', `--package=${starter}`, '--', 'create-pagebound', 'my-app', '--pagebound', `file:${tarball}`], tmp);
    for (const f of ['package.json', '.gitignore', 'pages/_layout.eta', 'pages/index.page.ts', 'pages/index.eta', 'test/index.test.ts', 'pagebound.config.ts']) {
      expect(existsSync(path.join(app, f))).toBe(true);
    }
    run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund'], app, 240_000);
    // The dependency is the tarball, copied in: no link back into this repository.
    expect(existsSync(path.join(app, 'node_modules/pagebound/dist/index.js'))).toBe(true);
    expect(existsSync(path.join(app, 'node_modules/pagebound/src'))).toBe(false);
    run(NPM, ['test'], app);
    const build = run(NPM, ['run', 'build'], app);
    expect(build).toMatch(/ok\s+page\s+\//);
    expect(existsSync(path.join(app, '.pagebound/build/pages/index.page.mjs'))).toBe(true);
    expect(existsSync(path.join(app, '.pagebound/build/pagebound.config.mjs'))).toBe(true);
  }, 300_000);

  it('serves the app with `npm run dev`, loading its TypeScript pages on the fly', async () => {
    const dev = spawn(NPM, ['run', 'dev'], { cwd: app, env: env({ PORT: '0', HOST: '127.0.0.1' }), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    try {
      const url = await listening(dev, 'dev');
      const html = await (await fetch(url)).text();
      expect(html).toContain('<output id="count">0</output>');
    } finally {
      // npm runs the CLI as its child: end the whole group this test started.
      process.kill(-dev.pid!, 'SIGTERM');
    }
  }, 60_000);

  it('starts the build with plain Node (no tsx, no esbuild) and Chromium clicks its live page', async () => {
    // Out of reach: a start that needed a TypeScript loader or a bundler would fail here.
    renameSync(path.join(app, 'node_modules/tsx'), path.join(app, 'node_modules/.tsx-away'));
    renameSync(path.join(app, 'node_modules/esbuild'), path.join(app, 'node_modules/.esbuild-away'));
    const child = spawn(process.execPath, [path.join(app, 'node_modules/pagebound/bin/pagebound.mjs'), 'start'], {
      cwd: app, env: env({ PORT: '0', HOST: '127.0.0.1', PAGEBOUND_SECRET: 'a-package-test-secret-0123456789' }), stdio: ['ignore', 'pipe', 'pipe'],
    });
    const browser = await launchBrowser();
    try {
      const url = await listening(child);
      const { page, errors } = await openPage(await browser.newContext());
      await page.goto(url);
      await page.waitForFunction(() => document.documentElement.classList.contains('pb-connected'));
      await page.click('#increment');
      await page.click('#increment');
      await page.waitForFunction(() => document.getElementById('count')?.textContent === '2');
      expect(await page.locator('link[rel=stylesheet]').count()).toBe(1);
      expect((await page.request.get(`${url}/style.css`)).status()).toBe(200);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      child.kill('SIGTERM');
    }
  }, 60_000);
});

function listening(child: ChildProcess, command: 'dev' | 'start' = 'start'): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not listen:\n${out}`)), 20_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = new RegExp(`pagebound ${command}: (http://\\S+)`).exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited ${code}:\n${out}`));
    });
  });
}
