/**
 * Records what a Chromium tab's `document.serverSocket` goes through (disconnect, reconnecting,
 * expired, open, resume, with their reason and close code) and its main-frame navigations from now
 * on — what the restart and drain tests assert about a reload.
 */
import type { Page } from 'playwright-core';

export interface SocketEvent { type: string; reason?: string; code?: number }

export async function watchTab(page: Page): Promise<{ events: SocketEvent[]; navigations: string[] }> {
  const events: SocketEvent[] = [];
  await page.exposeFunction('__pbTestLog', (e: SocketEvent) => events.push(e));
  await page.evaluate(() => {
    const log = (window as unknown as { __pbTestLog: (e: unknown) => void }).__pbTestLog;
    for (const type of ['disconnect', 'reconnecting', 'expired', 'open', 'resume']) {
      document.serverSocket!.addEventListener(type, (e) => {
        const { reason, code } = e as Event & { reason?: string; code?: number };
        void log({ type, reason, code });
      });
    }
  });
  const navigations: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations.push(frame.url());
  });
  return { events, navigations };
}
