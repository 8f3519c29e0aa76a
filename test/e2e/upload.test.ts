/**
 * Uploads from a live form in Chromium, with no script of the page's: a few MiB show progress,
 * survive the connection being cut mid-way on WebSocket and on HTTP (through the fault proxy), and
 * reach the handler byte for byte; files over the event's limits are refused with typed errors
 * before anything is sent; the temp files are gone once the handler is done.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserSuite } from './suite.js';
import { fixture } from '../helpers/temp-pages.js';
import { startFaultProxy, type FaultProxy } from '../../src/testing/fault-proxy.js';

const suite = browserSuite({ pagesDir: fixture('upload'), dev: false, heartbeatMs: 500, heartbeatTimeoutMs: 1500 });

let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

const MiB = 1 << 20;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Shown { title: string; runs: number; received: Array<{ field: string; name: string; type: string; size: number; sha256: string; path: string }> }
const shown = async (page: Page): Promise<Shown> => JSON.parse((await page.textContent('#out'))!);

/** Records every progress event and what the form showed then; cuts the connection once a third is through. */
async function watchProgress(page: Page, cut?: () => void): Promise<void> {
  if (cut) await page.exposeFunction('cutConnection', cut);
  await page.evaluate(() => {
    const w = window as any;
    w.progress = [];
    w.errors = [];
    const form = document.getElementById('f')!;
    document.addEventListener('pb:upload-progress', (e: any) => {
      w.progress.push({
        loaded: e.detail.loaded, total: e.detail.total,
        uploading: form.classList.contains('pb-uploading') && document.getElementById('doc')!.classList.contains('pb-uploading'),
        css: getComputedStyle(form).getPropertyValue('--pb-progress').trim(),
      });
      if (w.cutConnection && !w.cut && e.detail.loaded > e.detail.total / 3) {
        w.cut = true;
        w.cutConnection();
      }
    });
    document.addEventListener('pb:upload-error', (e: any) => w.errors.push(e.detail));
  });
}

/** Opens /form through a fault proxy (upgrades refused: HTTP), uploads `file`, cutting every connection a third of the way. */
async function uploadThroughCut(http: boolean, file: Buffer) {
  proxy = await startFaultProxy(suite.server.port);
  proxy.refuseUpgrades = http;
  const { page } = await suite.tab();
  await page.goto(proxy.url + '/form');
  await page.waitForFunction(() => document.documentElement.classList.contains('pb-connected'), null, { timeout: 15_000 });
  expect(await page.evaluate(() => (window as any).__pagebound.stats.transport)).toBe(http ? 'http' : 'ws');
  const p = proxy;
  await watchProgress(page, () => p.cutAll());
  await page.fill('#title', 'Holiday');
  await page.setInputFiles('#doc', { name: 'photos.bin', mimeType: 'application/octet-stream', buffer: file });
  const started = Date.now();
  await page.click('#go');
  await page.waitForFunction(() => document.getElementById('out')!.textContent!.includes('"runs":1'), null, { timeout: 30_000 });
  const ms = Date.now() - started;
  const progress = await page.evaluate(() => (window as any).progress as Array<{ loaded: number; total: number; uploading: boolean; css: string }>);
  const stats = await page.evaluate(() => (window as any).__pagebound.stats);
  return { page, ms, progress, stats, cuts: p.cuts };
}

describe('uploads from live forms in Chromium', () => {
  for (const http of [false, true]) {
    it(`${http ? 'HTTP' : 'WebSocket'}: a 3 MiB file shows progress, survives the connection cut mid-way, and reaches the handler byte for byte`, async () => {
      const file = randomBytes(3 * MiB);
      const { page, ms, progress, stats, cuts } = await uploadThroughCut(http, file);
      console.log(`upload ${http ? 'http' : 'ws'}: 3 MiB in ${ms} ms with ${cuts} connection(s) cut, ${stats.connects} connects`);
      // The cut happened in the middle, and the page reconnected to finish.
      expect(cuts).toBeGreaterThanOrEqual(1);
      expect(stats.connects).toBeGreaterThanOrEqual(2);
      const { title, received } = await shown(page);
      expect(title).toBe('Holiday');
      expect(received).toEqual([{ field: 'doc', name: 'photos.bin', type: 'application/octet-stream', size: file.length, sha256: sha(file), path: expect.any(String) }]);
      // Progress went up step by step to the whole file, with the class and the CSS property on.
      expect(progress.length).toBeGreaterThan(5);
      expect(progress.every((p) => p.total === file.length && p.uploading)).toBe(true);
      const loaded = progress.map((p) => p.loaded);
      expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
      expect(loaded.at(-1)).toBe(file.length);
      expect(progress.some((p) => Number(p.css) > 0.2 && Number(p.css) < 0.8)).toBe(true);
      expect(progress.at(-1)!.css).toBe('1');
      // Once done: no class, the form reset (file input empty), the temp file deleted.
      expect(await page.evaluate(() => ({
        cls: document.getElementById('f')!.className, files: (document.getElementById('doc') as HTMLInputElement).files!.length,
        bar: document.getElementById('bar')!.getBoundingClientRect().width === document.getElementById('f')!.getBoundingClientRect().width,
      }))).toEqual({ cls: '', files: 0, bar: true });
      await expect.poll(() => existsSync(received[0]!.path)).toBe(false);
      expect(suite.server.app.pagebound.uploads.reserved).toBe(0);
    }, 60_000);
  }

  it('refuses files over the event\'s limits with typed errors before a byte is sent, on the input and as an event', async () => {
    const page = await suite.open('/form');
    await watchProgress(page);
    const errors = () => page.evaluate(() => (window as any).errors.splice(0) as Array<{ code: string; message: string }>);
    const refusedWith = async (files: Array<{ name: string; mimeType: string; buffer: Buffer }>) => {
      await page.setInputFiles('#doc', files);
      await page.click('#go');
      await expect.poll(() => page.evaluate(() => (window as any).errors.length)).toBe(1);
      const [e] = await errors();
      return { ...e!, validation: await page.evaluate(() => (document.getElementById('doc') as HTMLInputElement).validationMessage) };
    };
    const big = await refusedWith([{ name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(8 * MiB + 1) }]);
    expect(big).toMatchObject({ code: 'PB_ERR_UPLOAD_TOO_LARGE', message: expect.stringContaining(String(8 * MiB)) });
    expect(big.validation).toBe(big.message);
    const type = await refusedWith([{ name: '<img src=x onerror=alert(1)>.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') }]);
    expect(type.code).toBe('PB_ERR_UPLOAD_TYPE');
    expect(type.message).not.toMatch(/onerror|msdownload/);
    const many = await refusedWith(['a', 'b', 'c'].map((n) => ({ name: `${n}.txt`, mimeType: 'text/plain', buffer: Buffer.from(n) })));
    expect(many.code).toBe('PB_ERR_UPLOAD_TOO_MANY');
    // Nothing reached the handler, nothing is held on disk, and the form is usable again.
    expect((await shown(page)).runs).toBe(0);
    expect(suite.server.app.pagebound.uploads.reserved).toBe(0);
    const ok = Buffer.from('fits\n');
    await page.setInputFiles('#doc', { name: 'ok.txt', mimeType: 'text/plain', buffer: ok });
    await page.click('#go');
    await page.waitForFunction(() => document.getElementById('out')!.textContent!.includes('"runs":1'));
    expect((await shown(page)).received[0]).toMatchObject({ name: 'ok.txt', size: ok.length, sha256: sha(ok) });
    expect(await page.evaluate(() => (window as any).progress.at(-1))).toMatchObject({ loaded: ok.length, total: ok.length });
  });
});
