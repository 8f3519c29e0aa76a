import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type CliServer } from '../helpers/cli.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fixture, REPO } from '../helpers/temp-pages.js';

describe('pagebound dev (real process)', () => {
  let cli: CliServer;
  beforeAll(async () => { cli = await startCli('dev', fixture('site')); });
  afterAll(() => cli.stop());

  it('prints the URL and the route table', () => {
    expect(cli.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(cli.output()).toMatch(/page\s+\/users\/:id\s+test\/fixtures\/site\/users\/\[id\]\.page\.ts/);
  });

  it('shows a throwing page as an error page with the message and the author\'s file:line', async () => {
    const res = await fetch(`${cli.url}/broken`);
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).toContain('the database is on fire');
    expect(body).toMatch(/id="pb-error-location">[^<]*broken\.page\.ts:5:\d+/);
    expect(body).toContain('throw new Error(&#39;the database is on fire&#39;);');
  });

  it('points a template error at the template line, with the lines around it', async () => {
    const res = await fetch(`${cli.url}/badtemplate`);
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).toMatch(/id="pb-error-location">[^<]*badtemplate\.eta:3/);
    expect(body).toContain("Cannot read properties of null (reading &#39;name&#39;)");
    expect(body).toMatch(/>\s+3 \| &lt;p&gt;&lt;%= it\.user\.name %&gt;/);
  });

  it('logs the error with its route through Fastify\'s logger', async () => {
    await fetch(`${cli.url}/broken`);
    expect(cli.output()).toMatch(/"route":"\/broken".*"msg":"page failed"|"msg":"page failed".*"route":"\/broken"/);
  });
});

describe('pagebound start (real process)', () => {
  let cli: CliServer;
  beforeAll(async () => { cli = await startCli('start', fixture('site'), { PAGEBOUND_SECRET: 'a-test-secret-of-enough-length' }); });
  afterAll(() => cli.stop());

  it('shows a plain 500 page with no message or stack', async () => {
    const res = await fetch(`${cli.url}/broken`);
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).not.toContain('the database is on fire');
    expect(body).not.toContain('broken.page.ts');
  });

  it('serves pages', async () => {
    expect(await (await fetch(`${cli.url}/users/5`)).text()).toContain('User 5');
  });
});

describe('pagebound build (real process)', () => {
  const out = path.join(REPO, '.pagebound', `build-test-${process.pid}`);
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const build = (pages: string) => spawnSync(process.execPath, [path.join(REPO, 'bin/pagebound.mjs'), 'build', '--pages', pages, '--out', out], {
    cwd: REPO, encoding: 'utf8', timeout: 60_000,
  });

  it('compiles every page to .mjs beside copied templates, loads each one and exits 0', () => {
    const run = build(fixture('site'));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/ok\s+page\s+\/users\/:id/);
    expect(run.stdout).toMatch(/client \/_pagebound\/client\.[0-9a-f]+\.js/);
    expect(readFileSync(path.join(out, 'pages/users/[id].page.mjs'), 'utf8')).not.toMatch(/:\s*string\b|interface /);
    expect(existsSync(path.join(out, 'pages/index.eta'))).toBe(true);
    expect(existsSync(path.join(out, 'pages/_partials/footer.eta'))).toBe(true);
    expect(existsSync(path.join(out, 'pages/index.page.ts'))).toBe(false);
  });

  it('then start serves the compiled pages, not the sources', async () => {
    const cli = await startCli('start', fixture('site'), { PAGEBOUND_SECRET: 'a-test-secret-of-enough-length' }, ['--out', out]);
    try {
      expect(cli.output()).toMatch(/page\s+\/users\/:id\s+\S*build-test-\d+\/pages\/users\/\[id\]\.page\.mjs/);
      expect(await (await fetch(`${cli.url}/users/5`)).text()).toContain('User 5');
    } finally {
      await cli.stop();
    }
  });

  it('exits 1 with the error code on a conflicting tree', () => {
    const run = build(fixture('conflict'));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('PB_ERR_ROUTE_CONFLICT');
    expect(run.stderr).toContain('about/index.page.ts');
  });
});

describe('configuration: pagebound.config.ts < environment < flags (real process)', () => {
  const dir = path.join(REPO, '.pagebound', `config-test-${process.pid}`);
  const config = path.join(dir, 'pagebound.config.ts');
  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(config, `import { defineConfig } from 'pagebound';
export default defineConfig({ pagesDir: ${JSON.stringify(fixture('site'))}, publicDir: false, metrics: true, retainMs: 5000 });
`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the config file (here: metrics on) and lets the environment and flags override it', async () => {
    const cli = await startCli('dev', undefined, { PAGEBOUND_METRICS: '/env-metrics' }, ['--config', config, '--metrics', '/flag-metrics']);
    try {
      expect((await fetch(`${cli.url}/users/3`)).status).toBe(200);
      expect((await fetch(`${cli.url}/env-metrics`)).status).toBe(404);
      const metrics = await fetch(`${cli.url}/flag-metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('pagebound_live_pages');
    } finally {
      await cli.stop();
    }
  });

  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [path.join(REPO, 'bin/pagebound.mjs'), 'dev', '--config', config, ...args], {
      cwd: REPO, encoding: 'utf8', timeout: 60_000, env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    });

  it('stops start-up with PB_ERR_CONFIG naming the option and where it came from, never the value', () => {
    const bad = run([], { PAGEBOUND_RETAIN_MS: 'soon-ish' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('PB_ERR_CONFIG');
    expect(bad.stderr).toContain('retainMs (from PAGEBOUND_RETAIN_MS) must be a positive number');
    expect(bad.stderr).not.toContain('soon-ish');

    const port = run(['--port', '99999']);
    expect(port.status).toBe(1);
    expect(port.stderr).toContain('port (from --port) must be an integer from 0 to 65535');

    const unknown = run(['--prot', '80']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('unknown argument --prot');
  });

  it('refuses a config file with an unknown or mistyped option', () => {
    const other = path.join(dir, 'typo.config.mjs');
    writeFileSync(other, 'export default { retainMS: 5000 };\n');
    const typo = spawnSync(process.execPath, [path.join(REPO, 'bin/pagebound.mjs'), 'dev', '--config', other], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    expect(typo.status).toBe(1);
    expect(typo.stderr).toContain('PB_ERR_CONFIG');
    expect(typo.stderr).toContain('"retainMS" is not an option');
    writeFileSync(other, 'export default { secret: 12345 };\n');
    const typed = spawnSync(process.execPath, [path.join(REPO, 'bin/pagebound.mjs'), 'dev', '--config', other], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    expect(typed.status).toBe(1);
    expect(typed.stderr).toContain('secret must be a non-empty string');
    expect(typed.stderr).not.toContain('12345');
  });
});
