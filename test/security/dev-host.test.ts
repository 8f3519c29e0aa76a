/**
 * Hardening #9: DNS rebinding against `pagebound dev`. A page on attacker.example whose name is
 * re-pointed at 127.0.0.1 makes the developer's browser send `Host: attacker.example` to the dev
 * server. Before: it got the dev error page, with the message and source lines of the failing page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsClient } from '../helpers/live-client.js';
import { expectStillServing, request, startPagebound, type Started } from './harness.js';

describe('pagebound dev answers loopback names only', () => {
  let server: Started;
  beforeAll(async () => {
    server = await startPagebound({ command: 'dev' });
  });
  afterAll(() => server.stop());

  it.each(['attacker.example', '127.0.0.1.attacker.example', 'localhost.attacker.example', '192.168.1.20'])(
    'Host %s is refused with 403, never the dev error page',
    async (host) => {
      const res = await request(`${server.url}/boom`, { headers: { host: `${host}:${server.port}` } });
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'PB_ERR_HOST' });
      expect(res.body).not.toMatch(/hunter2|boom\.page|attacker/);
    },
  );

  it.each(['localhost', '127.0.0.1', '[::1]', 'LOCALHOST'])('Host %s gets the dev error page as before', async (host) => {
    const res = await request(`${server.url}/boom`, { headers: { host: `${host}:${server.port}` } });
    expect(res.status).toBe(500);
    expect(res.body).toContain('pb-error-frame');
  });

  it('a WebSocket upgrade with a foreign Host is refused before any frame', async () => {
    const client = new WsClient(server.url, 'x'.repeat(21), { host: `attacker.example:${server.port}` });
    await expect(client.opened).rejects.toMatchObject({ status: 403 });
    await expectStillServing(server);
  });
});
