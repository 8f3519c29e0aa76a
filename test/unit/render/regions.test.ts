import { describe, expect, it } from 'vitest';
import { changedRegions, splitRegions } from '../../../src/render/regions.js';
import { encode } from '../../../src/protocol/codec.js';

const page = (body: string) => `<!doctype html><html><head><title>t</title><script>var s = "<body><div data-pb-region='no'>";</script></head><body class="x">${body}</body></html>`;

describe('regions', () => {
  it('finds nested regions with their skeletons, skipping comments and raw text', () => {
    const html = page(`<h1>T</h1><!-- <div data-pb-region="c"> --><div data-pb-region="list"><div>x</div><ul><li data-pb-region="a">A<div></div></li><li data-pb-region='b'>B</li></ul></div><textarea><div data-pb-region="t"></textarea><br>`);
    const r = splitRegions(html);
    expect([...r.keys()].sort()).toEqual(['', 'a', 'b', 'list']);
    expect(r.get('a')!.html).toBe('<li data-pb-region="a">A<div></div></li>');
    expect(r.get('list')!.children).toEqual(['a', 'b']);
    expect(r.get('list')!.skeleton).toBe('<div data-pb-region="list"><div>x</div><ul><!--pb:a--><!--pb:b--></ul></div>');
    expect(r.get('')!.html.startsWith('<body class="x">')).toBe(true);
    expect(r.get('')!.html.endsWith('</body>')).toBe(true);
    expect(r.get('')!.children).toEqual(['list']);
  });

  it('sends only the outermost regions whose own markup changed', () => {
    const render = (rows: string[], title = 'T') => splitRegions(page(`<h1>${title}</h1><table><tbody data-pb-region="rows">${rows.map((v, i) => `<tr data-pb-region="r${i}"><td>${v}</td></tr>`).join('')}</tbody></table>`));
    const before = render(['a', 'b', 'c']);
    expect(changedRegions(before, render(['a', 'b', 'c']))).toEqual([]);
    expect(changedRegions(before, render(['a', 'B', 'c']))).toEqual([['r1', '<tr data-pb-region="r1"><td>B</td></tr>']]);
    // A row added changes its parent's skeleton: the parent goes whole.
    expect(changedRegions(before, render(['a', 'b', 'c', 'd'])).map(([n]) => n)).toEqual(['rows']);
    // Markup outside every region: the body.
    expect(changedRegions(before, render(['a', 'b', 'c'], 'U')).map(([n]) => n)).toEqual(['']);
    expect(changedRegions(undefined, before).map(([n]) => n)).toEqual(['']);
  });

  it('treats a page whose region names repeat as one region, the body', () => {
    const r = splitRegions(page('<p data-pb-region="x">1</p><p data-pb-region="x">2</p>'));
    expect([...r.keys()]).toEqual(['']);
    expect(changedRegions(r, splitRegions(page('<p data-pb-region="x">1</p><p data-pb-region="x">3</p>'))).map(([n]) => n)).toEqual(['']);
  });

  it('ignores a region name the wire cannot carry: its markup belongs to the region around it', () => {
    const r = splitRegions(page(`<div data-pb-region="ok"><p data-pb-region="a b">x</p><p data-pb-region="">y</p><p data-pb-region="${'n'.repeat(65)}">z</p></div>`));
    expect([...r.keys()].sort()).toEqual(['', 'ok']);
    expect(r.get('ok')!.children).toEqual([]);
  });

  it('ends a region left open where the body ends', () => {
    const r = splitRegions(page('<div data-pb-region="open"><p>x'));
    expect(r.get('open')!.html).toBe('<div data-pb-region="open"><p>x');
  });

  it('measures a one-row change of a 100-row table against the full page (prints the figure)', () => {
    const table = (changed: number) => page(`<h1>Stock</h1><table><thead><tr><th>Id</th><th>Name</th><th>Qty</th><th>Price</th></tr></thead><tbody data-pb-region="rows">${
      Array.from({ length: 100 }, (_, i) => `<tr id="item-${i}" data-pb-region="item-${i}"><td>${i}</td><td>Item number ${i}</td><td>${i === changed ? 999 : i * 3}</td><td>${(i * 1.25).toFixed(2)} EUR</td></tr>`).join('')
    }</tbody></table>`);
    const full = table(-1);
    const r = changedRegions(splitRegions(full), splitRegions(table(42)));
    const frame = encode({ t: 'dom', s: 1234, r });
    const ratio = frame.length / full.length;
    console.log(`redraw bytes: one row of 100 changed: ${frame.length} B on the wire vs ${full.length} B full HTML (${(ratio * 100).toFixed(2)} %)`);
    expect(r.map(([n]) => n)).toEqual(['item-42']);
    expect(ratio).toBeLessThan(0.05);
  });
});
