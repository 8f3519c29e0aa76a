/**
 * Hardening #3: admission that cannot be pinned. The flood is the one the probe found — GET a live
 * page, say hello over the HTTP transport, hold nothing — from its own loopback address
 * (127.0.0.2), while the visitor comes from 127.0.0.1. Before: once the flood filled
 * `maxInstances`, every new visitor got 503 until the flood's pages timed out (~150 s), and a page
 * that opens a file per render ran the process out of descriptors.
 */
import http from 'node:http';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsClient } from '../helpers/live-client.js';
import {
  connectLive, expectStillServing, httpHello, inParallel, renderFrom, sendInOrder, startPagebound, type Started,
} from './harness.js';

const FLOOD_FROM = '127.0.0.2';
const VISITOR_FROM = '127.0.0.1';

async function flood(server: Started, pagePath: string, n: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const statuses: number[] = [];
  try {
    await inParallel(n, 8, async () => {
      const page = await renderFrom(server.url, pagePath, FLOOD_FROM, agent);
      statuses.push(page.status);
      if (page.id) statuses.push((await httpHello(server.url, page, FLOOD_FROM, agent)).status);
    });
  } finally {
    agent.destroy();
  }
  return statuses;
}

describe('a render+hello flood from one address (production, maxInstances lowered to 200)', () => {
  let server: Started;
  beforeAll(async () => {
    // maxIdlePagesPerAddress stays above maxInstances here: this is the process-wide rule alone,
    // as a flood spread over many addresses would meet it.
    server = await startPagebound({ options: { maxInstances: 200, maxIdlePagesPerAddress: 10_000 } });
  });
  afterAll(() => server.stop());

  it('never locks out a new visitor, and never evicts a page whose client holds its connection', async () => {
    const held = await connectLive(server, 3, 'held');
    const statuses = await flood(server, '/live', 600);
    // The flood itself was served: its pages evict each other, oldest first.
    expect(statuses.filter((s) => s === 503)).toEqual([]);

    const visitor = await renderFrom(server.url, '/live', VISITOR_FROM);
    expect(visitor.status).toBe(200);
    const client = new WsClient(server.url, visitor.id, { cookie: visitor.cookie, origin: server.url });
    await client.opened;
    client.send({ t: 'hello', v: 1, ack: 0 });
    await sendInOrder(client, 5, 'visitor');
    client.close();

    // The page connected before the flood is still the same instance, answering in order.
    await sendInOrder(held, 3, 'held');
    expect(held.closed).toBeUndefined();
    held.close();
    await expectStillServing(server);
  });

  it('refuses with 503 only when every page is held by a live client', async () => {
    const clients: WsClient[] = [];
    try {
      // 200 held pages fill the process; the 201st render has nothing idle to evict.
      await inParallel(200, 8, async () => { clients.push(await connectLive(server, 1, 'fill')); });
      const refused = await renderFrom(server.url, '/live', VISITOR_FROM);
      expect(refused.status).toBe(503);
    } finally {
      for (const c of clients) c.close();
    }
    await expect.poll(async () => (await renderFrom(server.url, '/live', VISITOR_FROM)).status, { timeout: 10_000 }).toBe(200);
    await expectStillServing(server);
  });
});

describe('maxIdlePagesPerAddress (production, default maxInstances)', () => {
  let server: Started;
  beforeAll(async () => {
    server = await startPagebound({ options: { maxIdlePagesPerAddress: 50 } });
  });
  afterAll(() => server.stop());

  const openFiles = () => readdirSync(`/proc/${server.pid}/fd`).length;

  it('keeps one address to its own 50 idle pages, so a page that opens a file per render cannot run out of descriptors', async () => {
    const before = openFiles();
    const statuses = await flood(server, '/file', 400);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    // Each evicted page closed the file it owned: at most the cap stays open (plus a little slack
    // for sockets still closing), where before every one of the 400 renders held its file.
    await expect.poll(openFiles, { timeout: 10_000 }).toBeLessThan(before + 50 + 20);

    const visitor = await renderFrom(server.url, '/file', VISITOR_FROM);
    expect(visitor.status).toBe(200);
    await expectStillServing(server);
  });
});
