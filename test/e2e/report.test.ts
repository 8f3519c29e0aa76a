/**
 * The lazy-regions example (pages/report) in Chromium: the page comes with placeholders marked
 * pb-loading, each region fills in when its data arrives (the faster one first), and Refresh shows
 * the placeholders again, then the data.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { browserSuite } from './suite.js';
import { REPO } from '../helpers/temp-pages.js';

const suite = browserSuite({ pagesDir: path.join(REPO, 'pages'), publicDir: path.join(REPO, 'public'), dev: false });

describe('lazy regions example', () => {
  it('renders placeholders at once and fills each region when its data arrives; Refresh loads again', async () => {
    // The first rendering does not wait for the data: both regions are placeholders, marked.
    const html = await (await fetch(suite.server.url + '/report')).text();
    expect(html).toContain('<section id="totals" data-pb-region="totals" class="pb-loading">');
    expect(html).toContain('<p class="placeholder">Ranking…</p>');
    const page = await suite.open('/report');
    expect(await page.locator('main script').count()).toBe(0);
    // Totals come first; the top pages still wait.
    await page.waitForFunction(() => document.getElementById('visits')?.textContent === '12480', null, { polling: 20, timeout: 10_000 });
    expect(await page.getAttribute('#totals', 'class')).toBe('');
    expect(await page.getAttribute('#top', 'class')).toBe('pb-loading');
    await page.waitForFunction(() => document.querySelectorAll('#top-pages li').length === 3, null, { polling: 20, timeout: 10_000 });
    expect(await page.getAttribute('#top', 'class')).toBe('');
    expect(await page.textContent('#top-pages li')).toBe('/ — 5210');

    await page.click('#refresh');
    await page.waitForFunction(() => document.getElementById('refreshed')!.textContent === '1', null, { polling: 20 });
    expect(await page.getAttribute('#totals', 'class')).toBe('pb-loading');
    await page.waitForFunction(() => !document.querySelector('.pb-loading'), null, { polling: 20, timeout: 10_000 });
    expect(await page.textContent('#signups')).toBe('312');
  });
});
