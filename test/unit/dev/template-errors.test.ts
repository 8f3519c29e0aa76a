/**
 * A template syntax error is named by its file, line and column — by `pagebound build` and at
 * `pagebound dev` start-up — never shown as Eta's compiled code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fixture, REPO } from '../../helpers/temp-pages.js';
import { startCli, type CliServer } from '../../helpers/cli.js';

describe('template syntax errors outside the browser', () => {
  it('pagebound build exits 1 naming the template file and line', () => {
    const run = spawnSync(process.execPath, [path.join(REPO, 'bin/pagebound.mjs'), 'build', '--pages', fixture('badsyntax')], {
      cwd: REPO, encoding: 'utf8', timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('PB_ERR_TEMPLATE_SYNTAX');
    expect(run.stderr).toMatch(/Template syntax error at index\.eta:5:1:/);
    expect(run.stderr + run.stdout).not.toContain('__eta');
  });

  describe('pagebound dev start-up', () => {
    let cli: CliServer;
    beforeAll(async () => { cli = await startCli('dev', fixture('badsyntax')); });
    afterAll(() => cli.stop());

    it('logs the template file and line before any request, and still serves', async () => {
      expect(cli.output()).toMatch(/Template syntax error at index\.eta:5:1/);
      const res = await fetch(`${cli.url}/`);
      expect(res.status).toBe(500);
      expect(await res.text()).toMatch(/id="pb-error-location">[^<]*index\.eta:5:1/);
    });
  });
});
