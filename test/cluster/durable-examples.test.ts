/**
 * The example site's durable pages (pages/todo, pages/counter) in real Chromium on a real cluster:
 * redis-server, three `pagebound start` nodes serving pages/, haproxy with the shipped config. Each
 * tab's node is killed with SIGKILL; the tab goes on where it was — the todo list with its done
 * marks and its filter in the address, the count — on another node, redrawn from the restored
 * state, without a reload (a marker on `window` survives) and without `expired`.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage } from '../e2e/browser.js';
import { REPO } from '../helpers/temp-pages.js';
import { clusterSuite } from '../helpers/cluster-suite.js';
import { watchTab } from '../helpers/watch-tab.js';
import type { TestNode } from '../helpers/cluster.js';

const suite = clusterSuite(path.join(REPO, 'pages'), { browser: true });

const until = (page: Page, fn: () => boolean) => page.waitForFunction(fn, null, { polling: 50, timeout: 15_000 });
const titles = (page: Page) => page.locator('#todos .title').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));

/** A tab at `path` through the balancer, connected, with a marker on `window` and its events watched. */
async function open(url: string) {
  const context = await suite.browser.newContext();
  const { page, errors } = await openPage(context);
  await page.goto(suite.cluster.haproxy.url + url);
  await until(page, () => document.documentElement.classList.contains('pb-connected'));
  await page.evaluate(() => { (window as unknown as { marker: string }).marker = 'kept'; });
  const watched = await watchTab(page);
  // Documents loaded from now on: a reload would be one (the filter's pushState is a navigation, not a load).
  const loads: string[] = [];
  page.on('load', () => loads.push(page.url()));
  const id = await page.evaluate(() => JSON.parse(document.getElementById('pb-boot')!.textContent!).id as string);
  return { context, page, errors, ...watched, loads, id, node: suite.cluster.nodeOf(id) };
}

async function kill(node: TestNode) {
  node.cli.child.kill('SIGKILL');
  expect(await node.exited).toBe('SIGKILL');
}

/** Same document, same page id, never reloaded or expired, resumed at least once, no page error. */
async function expectKept(tab: Awaited<ReturnType<typeof open>>) {
  expect(await tab.page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('kept');
  expect(await tab.page.evaluate(() => JSON.parse(document.getElementById('pb-boot')!.textContent!).id)).toBe(tab.id);
  expect(tab.loads).toEqual([]);
  expect(tab.events.filter((e) => e.type === 'expired')).toEqual([]);
  expect(tab.events.some((e) => e.type === 'resume')).toBe(true);
  expect(tab.errors.map(String)).toEqual([]);
}

async function add(page: Page, title: string) {
  const before = await page.locator('#todos li').count();
  await page.fill('#new-title', title);
  await page.press('#new-title', 'Enter');
  await page.waitForFunction((n) => document.querySelectorAll('#todos li').length === n, before + 1, { polling: 20, timeout: 15_000 });
}

describe('the example durable pages on a cluster', () => {
  it('the todo list and the counter survive their nodes being killed: state, filter and address kept, no reload', async () => {
    const todo = await open('/todo');
    const counter = await open('/counter');
    for (const t of ['milk', 'bread', 'eggs']) await add(todo.page, t);
    await todo.page.check('#todo-1 .toggle');
    await until(todo.page, () => document.getElementById('left')!.textContent === '2 items left');
    await todo.page.click('#filters a:text("active")');
    await until(todo.page, () => location.search === '?filter=active' && document.querySelectorAll('#todos li').length === 2);
    for (let i = 1; i <= 3; i++) {
      await counter.page.click('#inc');
      await counter.page.waitForFunction((n) => document.getElementById('count')!.textContent === String(n), i, { polling: 50, timeout: 15_000 });
    }

    await kill(todo.node);
    // Added while its node is gone: the event waits in the tab and is taken on the resume.
    await add(todo.page, 'tea');
    expect(await titles(todo.page)).toEqual(['bread', 'eggs', 'tea']);
    expect(await todo.page.textContent('#left')).toBe('3 items left');
    expect(await todo.page.evaluate(() => location.search)).toBe('?filter=active');
    await todo.page.click('#filters a:text("all")');
    await until(todo.page, () => location.search === '' && document.querySelectorAll('#todos li').length === 4);
    expect(await titles(todo.page)).toEqual(['milk', 'bread', 'eggs', 'tea']);
    expect(await todo.page.getAttribute('#todo-1', 'class')).toBe('done');
    await expectKept(todo);

    // The counter's node, unless that was the same one.
    if (counter.node !== todo.node) await kill(counter.node);
    await counter.page.click('#inc');
    await until(counter.page, () => document.getElementById('count')!.textContent === '4');
    await expectKept(counter);
    await todo.context.close();
    await counter.context.close();
  }, 60_000);
});
