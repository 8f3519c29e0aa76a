import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { toDevError } from '../../../src/dev/overlay-data.js';
import { Templates } from '../../../src/render/templates.js';

const dir = mkdtempSync(path.join(tmpdir(), 'pb-overlay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('toDevError: what the overlay shows', () => {
  it('a template syntax error: its file, line and column, the lines around it, no compiler stack', () => {
    writeFileSync(path.join(dir, 'page.eta'), '<h1>a</h1>\n<p>b</p>\n<p><%= it.x ( %></p>\n<p>d</p>\n');
    let error: unknown;
    try {
      new Templates(dir, true).render({ template: { file: 'page.eta' }, layout: undefined }, {});
    } catch (err) {
      error = err;
    }
    const shown = toDevError(error, 'template', 'render', dir);
    expect(shown).toMatchObject({ key: 'render', kind: 'template', code: 'PB_ERR_TEMPLATE_SYNTAX', line: 3, column: 4 });
    expect(shown.file).toBe(path.relative(process.cwd(), path.join(dir, 'page.eta')));
    expect(shown.frame).toEqual([
      { n: 1, text: '<h1>a</h1>' },
      { n: 2, text: '<p>b</p>' },
      { n: 3, text: '<p><%= it.x ( %></p>', mark: true },
      { n: 4, text: '<p>d</p>' },
      { n: 5, text: '' },
    ]);
    expect(shown.stack).toBeUndefined();
  });

  it('a handler error: the first stack frame inside the pages folder, and the stack', () => {
    const file = path.join(dir, 'x.page.ts');
    writeFileSync(file, 'line 1\nline 2\n');
    const err = new Error('boom');
    err.stack = `Error: boom\n    at inner (/usr/lib/node/x.js:1:1)\n    at Object.boom (file://${file}?tsx-namespace=a&pbv=2:2:9)`;
    const shown = toDevError(err, 'handler', 'handler', dir);
    expect(shown).toMatchObject({ kind: 'handler', code: 'Error', message: 'boom', line: 2, column: 9 });
    expect(shown.frame?.find((r) => r.mark)?.text).toBe('line 2');
    expect(shown.stack).toContain('Object.boom');
  });

  it('an error with no place in the pages folder: the message only', () => {
    const shown = toDevError(new Error('elsewhere'), 'module', 'module:a', dir);
    expect(shown.file).toBeUndefined();
    expect(shown.frame).toBeUndefined();
    expect(shown.message).toBe('elsewhere');
  });
});
