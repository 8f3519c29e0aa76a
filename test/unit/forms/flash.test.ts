import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../helpers/server.js';
import { fixture } from '../../helpers/temp-pages.js';

describe('flash messages across a redirect (real port)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ pagesDir: fixture('forms'), dev: false, secret: 'a-test-secret-of-enough-length' });
  });
  afterAll(() => server.close());

  const cookieOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(';')[0]!).join('; ');

  it('shows the message on the next render only, escaped', async () => {
    const posted = await fetch(`${server.url}/flash`, {
      method: 'POST', redirect: 'manual', body: 'message=Saved <b>ok</b>',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.origin },
    });
    expect(posted.status).toBe(303);
    const flashCookie = posted.headers.getSetCookie().find((c) => c.startsWith('pb_flash='))!;
    expect(flashCookie).toMatch(/HttpOnly/i);
    const cookie = cookieOf(posted);

    const first = await fetch(`${server.url}/flash`, { headers: { cookie } });
    expect(await first.text()).toContain('<p id="flash">Saved &lt;b&gt;ok&lt;/b&gt;</p>');
    // The render clears it, so a reload with what the browser now holds shows nothing.
    expect(first.headers.getSetCookie().some((c) => /^pb_flash=;/.test(c))).toBe(true);
    const again = await fetch(`${server.url}/flash`);
    expect(await again.text()).not.toContain('id="flash"');
  });

  it('ignores a flash cookie that is not signed by the server', async () => {
    const res = await fetch(`${server.url}/flash`, { headers: { cookie: 'pb_flash=Your account is locked, call +1-555' } });
    expect(await res.text()).not.toContain('account is locked');
  });

  it('refuses an over-long message with PB_ERR_FLASH_TOO_LARGE (a 500 for the author)', async () => {
    const res = await fetch(`${server.url}/flash`, {
      method: 'POST', redirect: 'manual', body: `message=${'x'.repeat(1100)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.origin },
    });
    expect(res.status).toBe(500);
  });
});
