/**
 * Hardening #1: frames that arrive after the page closed, in the same TCP write as the `bye` that
 * closed it. Before the fix, `bye` + `sd` crashed the production server (an exception escaped the
 * ws message listener). Runs the real CLI so a crash is a dead process, not a test-runner error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type CliServer } from '../helpers/cli.js';
import { fixture } from '../helpers/temp-pages.js';
import { renderLive, WsClient } from '../helpers/live-client.js';

/** Sends every frame in one TCP write, so the server reads them in one go. */
function sendTogether(client: WsClient, frames: object[]): void {
  const socket = (client.ws as unknown as { _socket: import('node:net').Socket })._socket;
  socket.cork();
  for (const f of frames) client.send(f);
  socket.uncork();
}

describe('frames after a page closed (production server)', () => {
  let server: CliServer;
  beforeAll(async () => {
    server = await startCli('start', fixture('site'), { PAGEBOUND_SECRET: 'a-test-secret-of-enough-length' });
  });
  afterAll(() => server.stop());

  const followers: Array<[string, object[]]> = [
    ['a stream frame', [{ t: 'sd', s: 2, b: 'aGVsbG8=' }]],
    ['an event', [{ t: 'ev', s: 2, n: 'ping' }]],
    ['an ack and a heartbeat', [{ t: 'ack', a: 1 }, { t: 'hb', a: 1 }]],
    ['a second bye and a hello', [{ t: 'bye' }, { t: 'hello', v: 1, ack: 0 }]],
  ];

  for (const [what, after] of followers) {
    it(`bye followed by ${what} in one write closes the page and the process lives on`, async () => {
      const page = await renderLive(server.url, '/live');
      const client = new WsClient(server.url, page.id, { cookie: page.cookie, origin: server.url });
      await client.opened;
      client.send({ t: 'hello', v: 1, ack: 0 });
      await client.until((f) => f.some((x) => x.t === 'welcome'));
      sendTogether(client, [{ t: 'ev', s: 1, n: 'ping' }, { t: 'bye' }, ...after]);
      const closed = await client.done;
      expect(closed.code).toBe(4410);

      // The process is alive and a well-behaved page still gets its answers in order.
      expect(server.child.exitCode).toBe(null);
      const other = await renderLive(server.url, '/live');
      const good = new WsClient(server.url, other.id, { cookie: other.cookie, origin: server.url });
      await good.opened;
      good.send({ t: 'hello', v: 1, ack: 0 });
      for (let s = 1; s <= 5; s++) good.send({ t: 'ev', s, n: 'ping' });
      await good.until((f) => f.filter((x) => x.t === 're').length === 5);
      expect(good.of('re').map((f) => [f.re, f.d])).toEqual([1, 2, 3, 4, 5].map((s) => [s, 'pong']));
      good.close();
      expect(server.output()).not.toMatch(/PB_ERR_PAGE_CLOSED|uncaught/i);
    });
  }
});
