/**
 * Which PubSub an app gets: in-process by default, Redis from `{ redisUrl }` or PAGEBOUND_REDIS_URL
 * (closed with the app), a host's own (left open); bad values refused without echoing the URL, and
 * an unreachable Redis at start-up a clear PB_ERR_PUBSUB_CONNECT.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choosePubSub } from '../../../src/pubsub/choose.js';
import { MemoryPubSub } from '../../../src/pubsub/memory.js';
import { RedisPubSub } from '../../../src/pubsub/redis.js';
import { resolveOptions } from '../../../src/config.js';
import { startServer } from '../../helpers/server.js';
import { fixture } from '../../helpers/temp-pages.js';
import { startRedis, type TestRedis } from '../../helpers/redis.js';
import { freePort } from '../../helpers/ports.js';
import pino from 'pino';

const log = pino({ level: 'silent' });
let redis: TestRedis;
beforeAll(async () => { redis = await startRedis(); });
afterAll(() => redis?.stop());

describe('choosing the PubSub', () => {
  it('is in-process by default, Redis from PAGEBOUND_REDIS_URL, a host PubSub as given', async () => {
    const dflt = await choosePubSub(resolveOptions({}).pubsub, log);
    expect(dflt.pubsub).toBeInstanceOf(MemoryPubSub);
    process.env.PAGEBOUND_REDIS_URL = redis.url;
    try {
      const fromEnv = await choosePubSub(resolveOptions({}).pubsub, log);
      expect(fromEnv).toMatchObject({ owned: true });
      expect(fromEnv.pubsub).toBeInstanceOf(RedisPubSub);
      await fromEnv.pubsub.close();
    } finally {
      delete process.env.PAGEBOUND_REDIS_URL;
    }
    const mine = new MemoryPubSub();
    expect(await choosePubSub(resolveOptions({ pubsub: mine }).pubsub, log)).toEqual({ pubsub: mine, owned: false });
  });

  it('runs pages on Redis topics with { redisUrl }, and closes its connections with the app', async () => {
    const server = await startServer({ pagesDir: fixture('scale'), pubsub: { redisUrl: redis.url } });
    const ps = server.app.pagebound.pubsub as RedisPubSub;
    expect(ps).toBeInstanceOf(RedisPubSub);
    const got: unknown[] = [];
    ps.subscribe('room', (d) => got.push(d));
    ps.publish('room', { text: 'hi' });
    await expect.poll(() => got).toEqual([{ text: 'hi' }]);
    await server.close();
    // Closed with the app: a publish now goes nowhere and counts as nothing.
    ps.publish('room', 'late');
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual([{ text: 'hi' }]);
  });

  it('refuses a pubsub option that is neither, without repeating the URL', () => {
    expect.assertions(4);
    for (const pubsub of [{ redisUrl: 'http://user:s3cret@host' }, { redisUrl: 42 }, { publish: 1 }] as never[]) {
      try {
        resolveOptions({ pubsub });
      } catch (err) {
        if ((err as Error).message.includes('s3cret')) throw new Error('the URL was echoed');
        expect(err).toMatchObject({ code: 'PB_ERR_CONFIG' });
      }
    }
    expect(() => resolveOptions({ drainTimeoutMs: 0 })).toThrow(/drainTimeoutMs/);
  });

  it('fails start-up with PB_ERR_PUBSUB_CONNECT when Redis does not answer, without the URL', async () => {
    const port = await freePort();
    const url = `redis://:hunter2secret@127.0.0.1:${port}`;
    const err = await RedisPubSub.connect({ url, connectTimeoutMs: 300 }).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'PB_ERR_PUBSUB_CONNECT' });
    expect((err as Error).message).not.toContain('hunter2');
    expect((err as Error).message).toMatch(/did not answer within 300 ms/);
  });
});
