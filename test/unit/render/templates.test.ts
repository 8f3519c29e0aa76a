import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Templates } from '../../../src/render/templates.js';

function tree(files: Record<string, string>): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'pb-templates-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('Templates: syntax errors name the template file, line and column', () => {
  const t = tree({
    'js.eta': '<h1>hi</h1>\n<ul>\n<% if (it.x) { %>\n  <li><%= it.x ( %></li>\n<% } %>\n',
    'tag.eta': '<h1>hi</h1>\n<p><%= it.x \n',
    'sub/page.eta': '<p>\n  <%~ include("./_part", it) %>\n</p>',
    'sub/_part.eta': '<b><%= it.x %></b>',
    '_layout.eta': '<main><%~ it.body %></main>',
  });

  for (const dev of [true, false]) {
    it(`JavaScript that does not parse inside <% %> (${dev ? 'dev' : 'production'})`, () => {
      expect.assertions(5);
      const templates = new Templates(t.dir, dev);
      try {
        templates.render({ template: { file: 'js.eta' }, layout: undefined }, { x: 1 });
      } catch (err) {
        const e = err as Error & { code: string; file: string; line: number; column: number };
        expect(e.code).toBe('PB_ERR_TEMPLATE_SYNTAX');
        expect(e.message).toMatch(/^Template syntax error at js\.eta:4:7: missing \) after argument list\./);
        // Not Eta's compiled function: the complaint in the issue.
        expect(e.message).not.toContain('__eta');
        expect([e.file, e.line]).toEqual(['js.eta', 4]);
        expect(e.column).toBe(7);
      }
    });
  }

  it('an unclosed tag', () => {
    expect.assertions(2);
    try {
      new Templates(t.dir, true).check({ template: { file: 'tag.eta' }, layout: undefined });
    } catch (err) {
      expect((err as { code: string }).code).toBe('PB_ERR_TEMPLATE_SYNTAX');
      expect((err as Error).message).toMatch(/^Template syntax error at tag\.eta:2:4: unclosed tag\./);
    }
  });

  it('reports every template file a render read: page, partials and layout', () => {
    const reads = new Set<string>();
    const html = new Templates(t.dir, true).render({ template: { file: 'sub/page.eta' }, layout: '_layout.eta' }, { x: 'y' }, reads);
    expect(html).toBe('<main><p>\n  <b>y</b></p></main>');
    expect([...reads].sort()).toEqual(['_layout.eta', 'sub/_part.eta', 'sub/page.eta']);
  });

  afterAll(() => t.remove());
});
