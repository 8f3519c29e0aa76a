/**
 * Hardening #10: `ctx.redirect(ctx.query.next)` must not be an open redirect. Before: `//evil`,
 * `/\evil` and `javascript:` went out unchanged in Location.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStillServing, request, startPagebound, type Started } from './harness.js';

describe('ctx.redirect() (production server)', () => {
  let server: Started;
  beforeAll(async () => {
    server = await startPagebound({ command: 'start' });
  });
  afterAll(() => server.stop());

  const go = (next: string, other = false) =>
    request(`${server.url}/redirect?next=${encodeURIComponent(next)}${other ? '&other=1' : ''}`);

  it.each([
    ['/thanks?x=1#top', '/thanks?x=1#top'],
    ['thanks', '/thanks'],
    ['../../up', '/up'],
    ['http://127.0.0.1:PORT/same/origin', '/same/origin'],
    ['/./\u200b', '/%E2%80%8B'],
  ])('%s on this site is followed, as the path %s', async (next, location) => {
    const res = await go(next.replace('PORT', String(server.port)));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(location);
  });

  it.each([
    ['//evil.example/', 'PB_ERR_REDIRECT_HOST'],
    ['/\\evil.example/', 'PB_ERR_REDIRECT_HOST'],
    ['\\\\evil.example/', 'PB_ERR_REDIRECT_HOST'],
    ['/\\/evil.example/', 'PB_ERR_REDIRECT_HOST'],
    ['https://evil.example/', 'PB_ERR_REDIRECT_HOST'],
    ['http://127.0.0.1.evil.example/', 'PB_ERR_REDIRECT_HOST'],
    ['https:evil.example', 'PB_ERR_REDIRECT_HOST'],
    ['javascript:alert(document.cookie)', 'PB_ERR_REDIRECT_SCHEME'],
    ['JaVaScRiPt:alert(1)', 'PB_ERR_REDIRECT_SCHEME'],
    ['data:text/html,<script>alert(1)</script>', 'PB_ERR_REDIRECT_SCHEME'],
    ['java\tscript:alert(1)', 'PB_ERR_HEADER_INVALID'],
    ['/\t/evil.example/', 'PB_ERR_HEADER_INVALID'],
    ['java\nscript:alert(1)', 'PB_ERR_HEADER_INVALID'],
  ])('%j is refused with the error page (%s in the log), no Location', async (next, code) => {
    const res = await go(next);
    expect(res.status).toBe(500);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).not.toContain('evil');
    await expect.poll(() => server.output()).toContain(code);
  });

  it('another host is followed when the page says { allowOtherHost: true }, a script URL still never', async () => {
    const ok = await go('https://pay.example/checkout?x=1', true);
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('https://pay.example/checkout?x=1');
    for (const next of ['javascript:alert(1)', 'data:text/html,x', 'java\tscript:alert(1)']) {
      const res = await go(next, true);
      expect(res.status).toBe(500);
      expect(res.headers.location).toBeUndefined();
    }
    await expectStillServing(server);
  });
});
