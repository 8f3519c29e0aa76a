import { describe, expect, it } from 'vitest';
import { redirectLocation } from '../../../src/render/redirect.js';

const own = 'https://app.example';

describe('redirectLocation', () => {
  it.each([
    ['/a/b?c=1#d', '/a/b?c=1#d'],
    ['a', '/a'],
    ['https://app.example/x', '/x'],
    ['https://app.example//evil.example/', '/evil.example/'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
  ])('%s stays on this site as %s', (target, location) => {
    expect(redirectLocation(target, own, false)).toBe(location);
  });

  it('compares origins normalised: a Host with the default port is this site', () => {
    expect(redirectLocation('http://localhost/x', 'http://localhost:80', false)).toBe('/x');
    expect(redirectLocation('/', 'http://localhost:80', false)).toBe('/');
  });

  it.each(['//evil.example', '/\\evil.example', '\\\\evil.example', 'http://app.example/', 'https://app.example:8443/', 'http:evil.example'])(
    '%s is another origin: PB_ERR_REDIRECT_HOST unless allowed',
    (target) => {
      expect.assertions(2);
      expect(() => redirectLocation(target, own, false)).toThrowError(expect.objectContaining({ code: 'PB_ERR_REDIRECT_HOST', statusCode: 500 }));
      expect(redirectLocation(target, own, true)).toMatch(/^https?:\/\//);
    },
  );

  it.each(['javascript:alert(1)', ' javascript:alert(1)', 'data:text/html,x', 'vbscript:x', 'file:///etc/passwd', 'blob:https://app.example/x'])(
    '%s is never followed, even with allowOtherHost',
    (target) => {
      expect.assertions(1);
      expect(() => redirectLocation(target, own, true)).toThrowError(expect.objectContaining({ code: 'PB_ERR_REDIRECT_SCHEME' }));
    },
  );

  it.each(['/a\r\nSet-Cookie: x=1', 'java\tscript:alert(1)', '/a\u0000', '/a\u007f'])('%j carries a control character: PB_ERR_HEADER_INVALID', (target) => {
    expect.assertions(1);
    expect(() => redirectLocation(target, own, true)).toThrowError(expect.objectContaining({ code: 'PB_ERR_HEADER_INVALID' }));
  });
});
