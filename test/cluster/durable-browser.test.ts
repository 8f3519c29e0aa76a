/**
 * A durable page in real Chromium survives its node being killed: three nodes, Redis and haproxy
 * (the shipped config); the counter tab's node gets SIGKILL; the tab reconnects, is resumed by
 * another node with its count, and goes on counting — no reload, no `expired`.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage } from '../e2e/browser.js';
import { watchTab } from '../helpers/watch-tab.js';
import { fixture } from '../helpers/temp-pages.js';
import { clusterSuite } from '../helpers/cluster-suite.js';

const suite = clusterSuite(fixture('durable'), { browser: true });

const pageId = (page: Page) => page.evaluate(() => JSON.parse(document.getElementById('pb-boot')!.textContent!).id as string);
const countIs = (page: Page, n: number) =>
  page.waitForFunction((want) => document.getElementById('count')!.textContent === String(want), n, { polling: 50, timeout: 15_000 });

describe('a durable page in Chromium', () => {
  it('keeps its count when its node is killed: the tab resumes on another node without a reload', async () => {
    const context = await suite.browser.newContext();
    const { page, errors } = await openPage(context);
    await page.goto(suite.cluster.haproxy.url + '/counter');
    await page.waitForFunction(() => document.documentElement.classList.contains('pb-connected'), null, { polling: 50, timeout: 20_000 });
    const { events, navigations } = await watchTab(page);
    for (let i = 1; i <= 3; i++) {
      await page.click('#inc');
      await countIs(page, i);
    }
    const id = await pageId(page);
    const node = suite.cluster.nodeOf(id);
    node.cli.child.kill('SIGKILL');
    expect(await node.exited).toBe('SIGKILL');

    // Clicked while the node is gone: the event waits in the tab and is sent on the resume.
    await page.click('#inc');
    await countIs(page, 4);
    await expect.poll(() => events.some((e) => e.type === 'resume'), { timeout: 15_000, interval: 50 }).toBe(true);
    await page.click('#inc');
    await countIs(page, 5);

    // Same page, same id, served now by another node; never reloaded, never expired.
    expect(await pageId(page)).toBe(id);
    expect(navigations).toEqual([]);
    expect(events.filter((e) => e.type === 'expired')).toEqual([]);
    // The node that answers the `where` event (registered by mount on the restore) is not the dead one.
    const where = await page.evaluate(() => document.serverSocket!.call('where')) as { node: string; mounts: number };
    expect(where.node).not.toBe(node.name);
    expect(where.mounts).toBeGreaterThanOrEqual(2);
    expect(errors.map(String)).toEqual([]);
    await context.close();
  }, 60_000);
});
