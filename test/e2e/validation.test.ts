/**
 * Schema-validated events in real Chromium against the example chat page: data its `say` schema
 * refuses is answered PB_ERR_EVENT_INVALID (a rejected call(), an `error` event for send()) without
 * reaching the handler or echoing the data; valid data goes through.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import type { WatchedPage } from './browser.js';
import { browserSuite } from './suite.js';
import { REPO } from '../helpers/temp-pages.js';

const suite = browserSuite({ pagesDir: path.join(REPO, 'pages'), dev: false });
let w: WatchedPage;

async function openChat(room: string): Promise<void> {
  w = await suite.tab();
  w.page.on('console', () => {}); // the runtime logs failed sends with console.error
  await w.page.goto(`${suite.server.url}/chat/${room}`);
  await w.page.waitForFunction(() => document.documentElement.classList.contains('pb-connected'), null, { polling: 50, timeout: 10_000 });
}

describe('validated events in Chromium', () => {
  it('call() with data the schema refuses rejects with PB_ERR_EVENT_INVALID and a message that does not echo it', async () => {
    await openChat('v1');
    const results = await w.page.evaluate(async () => {
      const socket = document.serverSocket!;
      const attempt = (data: unknown) =>
        socket.call('say', data).then(
          () => ({ ok: true, code: '', message: '' }),
          (e: { code: string; message: string }) => ({ ok: false, code: e.code, message: e.message }),
        );
      return [
        await attempt({ text: 42 }),
        await attempt({ text: '<img src=x onerror=alert(1)>'.repeat(30) }),
        await attempt('just a string'),
        await attempt({ text: '   ' }),
      ];
    });
    for (const r of results) {
      expect(r).toMatchObject({ ok: false, code: 'PB_ERR_EVENT_INVALID' });
      expect(r.message).toContain('"say"');
      expect(r.message).not.toMatch(/img|42|just a string/);
    }
    // None reached the handler: nothing was published to the room.
    expect(await w.page.locator('#log li').count()).toBe(0);
  });

  it('send() with refused data fires `error` with the code; valid data is handled and pushed back', async () => {
    await openChat('v2');
    const code = await w.page.evaluate(() => new Promise<string>((resolve) => {
      const socket = document.serverSocket!;
      socket.addEventListener('error', (e) => resolve(e.error.code), { once: true });
      socket.send('say', { text: ['not', 'a', 'string'] });
    }));
    expect(code).toBe('PB_ERR_EVENT_INVALID');
    await w.page.fill('#text', 'hello room');
    await w.page.press('#text', 'Enter');
    await w.page.waitForFunction(() => document.querySelector('#log li')?.textContent === 'hello room', null, { polling: 50, timeout: 10_000 });
    expect(await w.page.locator('#log li').count()).toBe(1);
  });

  it('the declarative form binding is validated too: an empty message is refused and publishes nothing', async () => {
    await openChat('v3');
    await w.page.fill('#text', '   ');
    await w.page.press('#text', 'Enter');
    await w.page.waitForFunction(() => !document.querySelector('.pb-pending'), null, { polling: 50, timeout: 10_000 });
    await w.page.fill('#text', 'after');
    await w.page.press('#text', 'Enter');
    await w.page.waitForFunction(() => document.querySelectorAll('#log li').length === 1, null, { polling: 50, timeout: 10_000 });
    expect(await w.page.locator('#log li').allTextContents()).toEqual(['after']);
  });
});
