/**
 * The upload example (pages/upload) in Chromium: files sent from a live form with no script of the
 * page's, shown with their hash; a type the page does not take is refused before anything is sent.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserSuite } from './suite.js';
import { REPO } from '../helpers/temp-pages.js';

const suite = browserSuite({ pagesDir: path.join(REPO, 'pages'), publicDir: path.join(REPO, 'public'), dev: false });

describe('upload example', () => {
  it('uploads two files with a note and lists them with their SHA-256; refuses a type it does not take', async () => {
    const page = await suite.open('/upload');
    const text = Buffer.from('hello from the upload example\n');
    const image = Buffer.alloc(2 << 20, 7);
    await page.setInputFiles('#file', [
      { name: 'hello.txt', mimeType: 'text/plain', buffer: text },
      { name: 'grey.png', mimeType: 'image/png', buffer: image },
    ]);
    await page.fill('#note', '<b>trip</b>');
    await page.click('#send');
    await page.waitForFunction(() => document.querySelectorAll('#uploads tbody tr').length === 2, null, { timeout: 20_000 });
    const rows = await page.locator('#uploads tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (td) => td.textContent)));
    const hex = (b: Buffer) => createHash('sha256').update(b).digest('hex').slice(0, 16) + '…';
    expect(rows).toEqual([
      ['grey.png', 'image/png', String(image.length), hex(image), '<b>trip</b>'],
      ['hello.txt', 'text/plain', String(text.length), hex(text), '<b>trip</b>'],
    ]);
    // The note is text, not markup; the form is reset and the bar hidden again.
    expect(await page.locator('#uploads b').count()).toBe(0);
    expect(await page.evaluate(() => [document.getElementById('upload-form')!.className, (document.getElementById('file') as HTMLInputElement).files!.length])).toEqual(['', 0]);

    await page.setInputFiles('#file', { name: 'tool.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') });
    await page.click('#send');
    await expect.poll(() => page.evaluate(() => (document.getElementById('file') as HTMLInputElement).validationMessage)).toContain('image/*, .pdf, text/plain');
    expect(await page.locator('#uploads tbody tr').count()).toBe(2);
  });
});
