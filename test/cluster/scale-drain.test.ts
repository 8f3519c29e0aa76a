/**
 * Nodes leaving a cluster, in real Chromium, behind the real haproxy running the shipped config:
 * a node drained with SIGTERM answers its health check 503, tells its WebSocket clients 1012
 * "service restart", and exits 0; its tabs reconnect, land on another node, are told `expired`
 * (their pages were not durable) and reload exactly once, then work. A node killed with SIGKILL
 * says nothing: its tabs' reconnects are redispatched by haproxy, expire and reload once too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage } from '../e2e/browser.js';
import { WsClient } from '../helpers/live-client.js';
import { watchTab } from '../helpers/watch-tab.js';
import { fixture } from '../helpers/temp-pages.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { HEALTH_PATH, SERVICE_RESTART } from '../../src/drain.js';

let cluster: TestCluster;
let browser: Browser | undefined;

beforeAll(async () => {
  [cluster, browser] = await Promise.all([startCluster(fixture('scale')), launchBrowser()]);
}, 60_000);
afterAll(async () => {
  await browser?.close().catch(() => {});
  await cluster?.stop();
});

const pageId = (page: Page) => page.evaluate(() => JSON.parse(document.getElementById('pb-boot')!.textContent!).id as string);
const connected = (page: Page) =>
  page.waitForFunction(() => document.documentElement.classList.contains('pb-connected'), null, { polling: 50, timeout: 20_000 });

/** Opens /node through the balancer in a fresh context, and records socket events and reloads. */
async function openTab() {
  const context = await browser!.newContext();
  const { page, errors } = await openPage(context);
  await page.goto(cluster.haproxy.url + '/node');
  await connected(page);
  const { events, navigations } = await watchTab(page);
  await page.click('#inc');
  await page.waitForFunction(() => document.getElementById('count')!.textContent === '1', null, { polling: 50, timeout: 10_000 });
  return { context, page, errors, events, navigations, id: await pageId(page) };
}

/** After its node went away: the tab reloaded exactly once onto another node, and works there. */
async function expectReloadedOnce(tab: Awaited<ReturnType<typeof openTab>>, gone: string) {
  await expect.poll(() => tab.navigations.length, { timeout: 20_000, interval: 50 }).toBeGreaterThanOrEqual(1);
  await connected(tab.page);
  const id = await pageId(tab.page);
  expect(id).not.toBe(tab.id);
  expect(cluster.nodeOf(id).name).not.toBe(gone);
  expect(await tab.page.textContent('#node')).toBe(cluster.nodeOf(id).name);
  // The old page could not move (not durable): another node answered `expired`, never `resume`.
  expect(tab.events.filter((e) => e.type === 'resume' || e.type === 'open')).toEqual([]);
  expect(tab.events.filter((e) => e.type === 'expired')).toEqual([{ type: 'expired', reason: 'unknown' }]);
  expect(await tab.page.textContent('#count')).toBe('0');
  await tab.page.click('#inc');
  await tab.page.waitForFunction(() => document.getElementById('count')!.textContent === '1', null, { polling: 50, timeout: 10_000 });
  // And it stays: no second reload.
  await new Promise((r) => setTimeout(r, 2000));
  expect(tab.navigations).toEqual([cluster.haproxy.url + '/node']);
  expect(tab.errors.map(String)).toEqual([]);
}

describe('a node leaving the cluster', () => {
  it('drains on SIGTERM: health 503, WebSocket clients get 1012 and reconnect elsewhere, the tab reloads once, the node exits 0', async () => {
    const tab = await openTab();
    const node = cluster.nodeOf(tab.id);
    // A protocol-level client of another page on the same node, rendered there directly.
    const res = await fetch(node.url + '/node');
    const id = /"id":"([^"]+)"/.exec(await res.text())![1]!;
    const client = new WsClient(cluster.haproxy.url, id, { cookie: res.headers.get('set-cookie')!.split(';')[0]!, origin: cluster.haproxy.url });
    await client.opened;
    client.send({ t: 'hello', v: 1, ack: 0 });
    await client.until((f) => f.some((x) => x.t === 'welcome'));

    node.cli.child.kill('SIGTERM');
    await expect.poll(async () => (await fetch(node.url + HEALTH_PATH)).status, { timeout: 2000, interval: 50 }).toBe(503);
    // Renders through the balancer meanwhile, steered at the draining node (a SessionID naming it
    // routes any request there while haproxy still counts it up): it refuses them with 503
    // PB_ERR_DRAINING and haproxy retries them on another node, so nobody sees an error.
    const renders = await Promise.all(Array.from({ length: 6 }, async () => {
      const r = await fetch(cluster.haproxy.url + '/node', { headers: { sessionid: `${node.name}.${'x'.repeat(21)}` } });
      return { status: r.status, node: /"id":"([a-z0-9]+)\./.exec(await r.text())?.[1] };
    }));
    for (const r of renders) {
      expect(r.status).toBe(200);
      expect(r.node).not.toBe(node.name);
    }
    // haproxy's log marks a request redispatched after a retry with "+1" in its retries field.
    await expect.poll(() => cluster.haproxy.output().split('\n').filter((l) => /\/\+1 .*"GET \/node /.test(l)).length).toBeGreaterThanOrEqual(6);
    expect((await client.done).code).toBe(SERVICE_RESTART);
    await expectReloadedOnce(tab, node.name);
    // The runtime took 1012 as "reconnect": a disconnect with that code, then a retry.
    expect(tab.events[0]).toEqual({ type: 'disconnect', code: SERVICE_RESTART });
    expect(tab.events[1]).toMatchObject({ type: 'reconnecting' });
    expect(await node.exited).toBe(0);
    await tab.context.close();
  }, 45_000);

  it('a node killed with SIGKILL: its non-durable page expires on another node and the tab reloads once', async () => {
    const tab = await openTab();
    const node = cluster.nodeOf(tab.id);
    node.cli.child.kill('SIGKILL');
    expect(await node.exited).toBe('SIGKILL');
    await expectReloadedOnce(tab, node.name);
    await tab.context.close();
  }, 45_000);
});
