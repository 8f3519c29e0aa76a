import { describe, expect, it } from 'vitest';
import { findElement } from '../../../src/render/elements.js';
import { attributeOf } from '../../../src/render/regions.js';

const byId = (id: string) => (_tag: string, attrs: string) => attributeOf(attrs, 'id') === id;
const inner = (html: string, f: ReturnType<typeof findElement>) => f && html.slice(f.inner, f.close);

describe('findElement', () => {
  it('finds an element and its end past nested elements of its name, comments and raw text', () => {
    const html = '<div id="a"><div id="b"><div></div></div><!-- <div id="x"> --><script>"</div>"</script><textarea></div></textarea></div><p>';
    const a = findElement(html, byId('a'));
    expect(a).toMatchObject({ tag: 'div', start: 0, end: html.indexOf('<p>') });
    expect(inner(html, findElement(html, byId('b')))).toBe('<div></div>');
    // Inside a comment or raw text there is no element.
    expect(findElement(html, byId('x'))).toBeUndefined();
  });

  it('a void or self-closing element ends at its start tag; one left open ends where the text does', () => {
    expect(findElement('<p><input id="i"><br/></p>', byId('i'))).toMatchObject({ tag: 'input', start: 3, inner: 17, close: 17, end: 17 });
    const open = '<ul id="u"><li>1';
    expect(findElement(open, byId('u'))).toMatchObject({ close: open.length, end: open.length });
  });

  it('starts looking at `from`', () => {
    const html = '<b id="k">1</b><b id="k">2</b>';
    expect(inner(html, findElement(html, byId('k'), 1))).toBe('2');
  });
});

describe('attributeOf', () => {
  it('reads an attribute in any quoting, as written; not a longer name that ends like it', () => {
    expect(attributeOf(' id="a &amp; b" data-id=\'x\'', 'id')).toBe('a &amp; b');
    expect(attributeOf(" data-id='x'", 'id')).toBeUndefined();
    expect(attributeOf(' class=big id=q', 'id')).toBe('q');
    expect(attributeOf(' hidden', 'hidden')).toBeUndefined();
  });
});
