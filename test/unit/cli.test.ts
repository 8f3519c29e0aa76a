import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type CliServer } from '../helpers/cli.js';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fixture, REPO } from '../helpers/temp-pages.js';

describe('pagebound dev (real process)', () => {
  let cli: CliServer;
  beforeAll(async () => { cli = await startCli('dev', fixture('site')); });
  afterAll(() => cli.stop());

  it('prints the URL and the route table', () => {
    expect(cli.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(cli.output()).toMatch(/page\s+\/users\/:id\s+pages\/users\/\[id\]\.page\.ts/);
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
  const build = (pages: string) => spawnSync(process.execPath, [path.join(REPO, 'bin/pagebound.mjs'), 'build', '--pages', pages], {
    cwd: REPO, encoding: 'utf8', timeout: 60_000,
  });

  it('checks every route, module and template and exits 0 on a good tree', () => {
    const run = build(fixture('site'));
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/ok\s+page\s+\/users\/:id/);
    expect(run.stdout).toMatch(/client \/_pagebound\/client\.[0-9a-f]+\.js/);
  });

  it('exits 1 with the error code on a conflicting tree', () => {
    const run = build(fixture('conflict'));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('PB_ERR_ROUTE_CONFLICT');
    expect(run.stderr).toContain('about/index.page.ts');
  });
});
