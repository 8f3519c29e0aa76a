/**
 * Client injection: the boot block and the runtime script land where the browser runs them before the
 * author's body scripts, and no value put into them can end the element or the attribute it sits in.
 */
import { describe, expect, it } from 'vitest';
import { BASE_PATH, BOOT_ELEMENT_ID, PROTOCOL_VERSION } from '../../../src/protocol/constants.js';
import type { ClientBundle } from '../../../src/render/client-bundle.js';
import { injectClient } from '../../../src/render/inject-client.js';

const bundle: ClientBundle = {
  code: '',
  url: '/_pagebound/client.0123456789ab.js',
  integrity: 'sha256-AbCdEf0123456789+/=',
};
const ID = 'V1StGXR8_Z5jdHi6B-myT';
const NONCE = 'r4nd0mN0nce==';

const BOOT_OPEN = `<script type="application/json" id="${BOOT_ELEMENT_ID}">`;

/**
 * The boot block's text as an HTML parser sees it: script data runs to the first `</script`, whatever
 * it is inside (HTML §13.2.5.4), so this is what the runtime would JSON.parse.
 */
function bootText(html: string): string {
  const start = html.indexOf(BOOT_OPEN);
  expect(start).toBeGreaterThanOrEqual(0);
  const from = start + BOOT_OPEN.length;
  const end = html.slice(from).search(/<\/script/i);
  expect(end).toBeGreaterThanOrEqual(0);
  return html.slice(from, from + end);
}

const boot = (html: string) => JSON.parse(bootText(html)) as Record<string, unknown>;

/** The runtime script tag's attributes, decoded as a browser would (double-quoted values). */
function runtimeAttrs(html: string): Record<string, string> {
  const tag = /<script((?:\s+[a-z-]+="[^"]*")*)\s*><\/script>/.exec(html.slice(html.indexOf(`</script>`) + 9));
  expect(tag).not.toBeNull();
  const attrs: Record<string, string> = {};
  for (const [, name, value] of tag![1]!.matchAll(/\s+([a-z-]+)="([^"]*)"/g)) {
    attrs[name!] = value!.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  }
  return attrs;
}

const page = '<!doctype html><html><head><title>t</title></head><body><p>hi</p><script>use()</script></body></html>';

describe('boot block', () => {
  it('carries the page id, protocol version and endpoint base', () => {
    expect(boot(injectClient(page, ID, NONCE, bundle))).toEqual({ id: ID, v: PROTOCOL_VERSION, base: BASE_PATH });
  });

  it('has no id for a page that only loads the runtime', () => {
    const data = boot(injectClient(page, undefined, NONCE, bundle));
    expect(data).toEqual({ v: PROTOCOL_VERSION, base: BASE_PATH });
    expect('id' in data).toBe(false);
  });

  it("names the transport only when it is not 'auto'", () => {
    expect(boot(injectClient(page, ID, NONCE, bundle, 'auto'))).not.toHaveProperty('transport');
    expect(boot(injectClient(page, ID, NONCE, bundle))).not.toHaveProperty('transport');
    expect(boot(injectClient(page, ID, NONCE, bundle, 'ws'))).toMatchObject({ transport: 'ws' });
    expect(boot(injectClient(page, ID, NONCE, bundle, 'http'))).toMatchObject({ transport: 'http' });
  });

  it.each([
    '</script><script>alert(1)</script>',
    '</SCRIPT >x',
    '<!--<script>',
    '</script\t',
  ])('cannot be closed early by a value holding %j', (hostile) => {
    const html = injectClient(page, hostile, NONCE, bundle);
    const text = bootText(html);
    expect(text).not.toMatch(/</);
    expect(boot(html).id).toBe(hostile);
    // Exactly the two injected scripts and the author's one: nothing was smuggled in.
    expect(html.match(/<script/gi)).toHaveLength(3);
  });
});

describe('runtime script tag', () => {
  it('loads the bundle by URL with its integrity and the response nonce', () => {
    expect(runtimeAttrs(injectClient(page, ID, NONCE, bundle))).toEqual({
      nonce: NONCE,
      src: bundle.url,
      integrity: bundle.integrity,
    });
  });

  it('is not deferred or async, so body scripts find document.serverSocket', () => {
    const html = injectClient(page, ID, NONCE, bundle);
    const attrs = runtimeAttrs(html);
    expect(attrs).not.toHaveProperty('defer');
    expect(attrs).not.toHaveProperty('async');
    expect(html).not.toMatch(/\s(defer|async)[\s>=]/);
  });

  it.each(['a"b', '"><script>alert(1)</script>', 'x&quot;y', '" onload="alert(1)'])(
    'keeps a nonce holding %j inside its attribute',
    (nonce) => {
      const html = injectClient(page, ID, nonce, bundle);
      const attrs = runtimeAttrs(html);
      expect(attrs.nonce).toBe(nonce);
      expect(Object.keys(attrs).sort()).toEqual(['integrity', 'nonce', 'src']);
      expect(html.endsWith('></script></head><body><p>hi</p><script>use()</script></body></html>')).toBe(true);
    },
  );
});

describe('placement', () => {
  const tags = (html: string) => {
    const start = html.indexOf(BOOT_OPEN);
    const end = html.indexOf('</script>', html.indexOf(bundle.url)) + '</script>'.length;
    return { start, end };
  };

  it('goes at the end of <head>, before the body and its scripts', () => {
    const html = injectClient(page, ID, NONCE, bundle);
    const { start, end } = tags(html);
    expect(html.slice(0, start)).toBe('<!doctype html><html><head><title>t</title>');
    expect(html.slice(end)).toBe('</head><body><p>hi</p><script>use()</script></body></html>');
  });

  it('finds </head> in any case and with space before its >', () => {
    const html = injectClient('<HEAD><title>t</title></HEAD ><body>b</body>', ID, NONCE, bundle);
    const { start, end } = tags(html);
    expect(html.slice(0, start)).toBe('<HEAD><title>t</title>');
    expect(html.slice(end)).toBe('</HEAD ><body>b</body>');
  });

  it('without </head>, goes right before <body>', () => {
    const html = injectClient('<p>x</p><body class="b"><script>use()</script></body>', ID, NONCE, bundle);
    const { start, end } = tags(html);
    expect(html.slice(0, start)).toBe('<p>x</p>');
    expect(html.slice(end)).toBe('<body class="b"><script>use()</script></body>');
    expect(injectClient('<BODY>b</BODY>', ID, NONCE, bundle).endsWith('</script><BODY>b</BODY>')).toBe(true);
  });

  it('does not take an element that only starts with "body" for <body>', () => {
    const html = injectClient('<p>a</p><bodyguard>x</bodyguard>', ID, NONCE, bundle);
    expect(html.startsWith(BOOT_OPEN)).toBe(true);
    expect(html.endsWith('</script><p>a</p><bodyguard>x</bodyguard>')).toBe(true);
  });

  it('with neither, goes at the very start', () => {
    const html = injectClient('<p>fragment</p>', ID, NONCE, bundle);
    expect(html.startsWith(BOOT_OPEN)).toBe(true);
    expect(html.endsWith('</script><p>fragment</p>')).toBe(true);
  });

  it('puts the boot block before the runtime script, which reads it when it runs', () => {
    const html = injectClient(page, ID, NONCE, bundle);
    expect(html.indexOf(BOOT_OPEN)).toBeLessThan(html.indexOf(bundle.url));
  });

  it('injects once and leaves the rest of the document byte for byte', () => {
    const html = injectClient(page, ID, NONCE, bundle);
    const { start, end } = tags(html);
    expect(html.slice(0, start) + html.slice(end)).toBe(page);
    expect(html.split(BOOT_OPEN)).toHaveLength(2);
  });
});
