/**
 * Hardening #12: a CPU-bound handler stalls every page of its process (one event loop); that is
 * inherent, but it must be visible. Before: nothing in the log.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { renderLive, WsClient } from '../helpers/live-client.js';
import { expectStillServing, startPagebound, type Started } from './harness.js';

async function burn(server: Started): Promise<void> {
  const page = await renderLive(server.url, '/burn');
  const client = new WsClient(server.url, page.id, { cookie: page.cookie, origin: server.url });
  await client.opened;
  client.send({ t: 'hello', v: 1, ack: 0 });
  client.send({ t: 'ev', s: 1, n: 'burn' });
  await client.until((f) => f.some((x) => x.t === 're' && x.re === 1), 15_000);
  client.close();
}

describe('event-loop delay', () => {
  let server: Started | undefined;
  afterEach(() => server?.stop());

  it('a handler holding the CPU for 1.5 s is logged as a blocked event loop (production, default 500 ms)', async () => {
    server = await startPagebound({ command: 'start' });
    await burn(server);
    await expect.poll(() => server!.output(), { timeout: 10_000 }).toMatch(/"maxDelayMs":\d{4,}.*"thresholdMs":500.*event loop blocked/);
    await expectStillServing(server);
  });

  it('eventLoopWarnMs: false measures nothing and logs nothing', async () => {
    server = await startPagebound({ options: { eventLoopWarnMs: false } });
    await burn(server);
    // Two sampling windows after the burn: a warning, if any, would be out by now.
    await new Promise((r) => setTimeout(r, 2500));
    expect(server.output()).not.toContain('event loop blocked');
    await expectStillServing(server);
  });
});
