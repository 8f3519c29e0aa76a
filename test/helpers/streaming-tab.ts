/**
 * A Chromium tab on the durable counter fixture (test/fixtures/durable/counter.page.ts) that streams
 * numbered `add` events through its own `document.serverSocket` while a test kills, drains or
 * restarts nodes and Redis under it. It records, in the page, each reply's count and each `count`
 * push, and sets a random marker on `window` first: a reload would lose it. With watch-tab.ts's
 * navigations and socket events, that is what "no reload, 0 lost or doubled" is checked with.
 */
import { expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { openPage } from '../e2e/browser.js';
import { watchTab, type SocketEvent } from './watch-tab.js';

export interface StreamingTab {
  context: BrowserContext;
  page: Page;
  /** The page id as rendered. */
  id: string;
  /** Set on `window` before anything else; still there when the tab was never reloaded. */
  marker: string;
  errors: Error[];
  events: SocketEvent[];
  navigations: string[];
  /** Starts sending `add {i}` for i = from…to, one every `everyMs`, in the page; returns at once. */
  stream(from: number, to: number, everyMs: number): Promise<void>;
  /** Asks the page to stop streaming after the event it is sending (`stream` is then done sooner). */
  halt(): Promise<void>;
  /** The last `i` the page has sent so far. */
  sent(): Promise<number>;
  /** Replies' counts (in the order they arrived), `count` pushes, failed calls, the marker, the page id now. */
  read(): Promise<{ replies: number[]; counts: number[]; failed: string[]; marker: string | undefined; id: string }>;
  /** Waits until `n` replies have arrived. */
  untilReplies(n: number, timeout: number): Promise<void>;
}

interface TabLog {
  marker: string;
  replies: number[];
  counts: number[];
  failed: string[];
  sent: number;
  halt: boolean;
}
type Win = { __pbTab: TabLog };

/** Opens `url` (a durable counter) in a fresh context and waits until its socket is connected. */
export async function openStreamingTab(browser: Browser, url: string): Promise<StreamingTab> {
  const context = await browser.newContext();
  const { page, errors } = await openPage(context);
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.classList.contains('pb-connected'), null, { polling: 50, timeout: 20_000 });
  const marker = Math.random().toString(36).slice(2);
  await page.evaluate((m) => {
    const log: TabLog = { marker: m, replies: [], counts: [], failed: [], sent: 0, halt: false };
    (window as unknown as Win).__pbTab = log;
    document.serverSocket!.addEventListener('count', (e) => log.counts.push((e as MessageEvent<number>).data));
  }, marker);
  const { events, navigations } = await watchTab(page);
  const id = await page.evaluate(() => JSON.parse(document.getElementById('pb-boot')!.textContent!).id as string);
  return {
    context, page, id, marker, errors, events, navigations,
    stream: (from, to, everyMs) => page.evaluate(([a, b, ms]) => {
      const log = (window as unknown as Win).__pbTab;
      void (async () => {
        for (let i = a!; i <= b! && !log.halt; i++) {
          log.sent = i;
          // Not awaited: events keep going out (or queue in the tab while no node holds the page).
          document.serverSocket!.call('add', { i }).then(
            (r) => log.replies.push((r as { count: number }).count),
            (err: { code?: string }) => log.failed.push(String(err?.code ?? err)),
          );
          await new Promise((r) => setTimeout(r, ms));
        }
      })();
    }, [from, to, everyMs]),
    halt: () => page.evaluate(() => { (window as unknown as Win).__pbTab.halt = true; }),
    sent: () => page.evaluate(() => (window as unknown as Win).__pbTab.sent),
    read: () => page.evaluate(() => {
      const log = (window as unknown as Win).__pbTab as TabLog | undefined;
      const id = JSON.parse(document.getElementById('pb-boot')!.textContent!).id as string;
      return { replies: [...(log?.replies ?? [])], counts: [...(log?.counts ?? [])], failed: [...(log?.failed ?? [])], marker: log?.marker, id };
    }),
    untilReplies: async (n, timeout) => {
      await page.waitForFunction((want) => ((window as unknown as Win).__pbTab?.replies.length ?? 0) >= want, n, { polling: 100, timeout });
    },
  };
}

/**
 * Once the tab's events 1…`last` are answered: each reply and each push arrived once, in order,
 * with the count it made; no call failed; the same document (marker, page id) never reloaded or
 * told `expired`, and no uncaught page error. Returns the `where` answer (node, mounts) of the page now.
 */
export async function expectTabKept(tab: StreamingTab, last: number): Promise<{ node: string; mounts: number }> {
  await tab.untilReplies(last, 30_000);
  const seen = await tab.read();
  expect(seen.failed).toEqual([]);
  const range = Array.from({ length: last }, (_, i) => i + 1);
  expect(seen.replies).toEqual(range);
  expect(seen.counts).toEqual(range);
  expect(seen.marker).toBe(tab.marker);
  expect(seen.id).toBe(tab.id);
  expect(tab.navigations).toEqual([]);
  expect(tab.events.filter((e) => e.type === 'expired')).toEqual([]);
  expect(tab.errors.map(String)).toEqual([]);
  return await tab.page.evaluate(() => document.serverSocket!.call('where')) as { node: string; mounts: number };
}
