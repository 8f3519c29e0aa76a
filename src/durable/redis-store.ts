/**
 * Durable pages on Redis (ioredis), shared by every node. One hash per page, `e` (epoch) and `d`
 * (snapshot), under a key made from a digest of the page id, so the id (the SessionID) never sits
 * in Redis in the clear. Each operation is one Lua script: Redis runs a script atomically, so the
 * epoch check and the write cannot be split by another node's claim.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { DurableStore, StoredPage } from './store.js';

// KEYS[1] page; ARGV epoch, data, ttl. A first commit (nothing stored) must be at epoch 1, so a
// holder whose page was removed or expired cannot bring it back.
const COMMIT = `
local cur = redis.call('HGET', KEYS[1], 'e')
if (cur == false and ARGV[1] ~= '1') or (cur ~= false and cur ~= ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'e', ARGV[1], 'd', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

// KEYS[1] page; ARGV epoch, ttl. Returns the new epoch, or nil when the page moved on or is gone.
const CLAIM = `
if redis.call('HGET', KEYS[1], 'e') ~= ARGV[1] then return false end
local e = redis.call('HINCRBY', KEYS[1], 'e', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return e`;

const REMOVE = `
if redis.call('HGET', KEYS[1], 'e') == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

type Scripted = Redis & {
  pbCommit(key: string, epoch: number, data: string, ttl: number): Promise<number>;
  pbClaim(key: string, epoch: number, ttl: number): Promise<number | null>;
  pbRemove(key: string, epoch: number): Promise<number>;
};

export interface RedisStoreOptions {
  url: string;
  /** Prefix of the keys, so apps can share a Redis. Default `pagebound:page:`. */
  keyPrefix?: string;
}

/** Reconnect backoff as the pub/sub's: quick at first, capped at 1 s. */
const retryStrategy = (times: number): number => Math.min(50 * 2 ** Math.min(times, 5), 1000);

export class RedisStore implements DurableStore {
  readonly #redis: Scripted;
  readonly #prefix: string;

  constructor(opts: RedisStoreOptions) {
    this.#prefix = opts.keyPrefix ?? 'pagebound:page:';
    // A command during an outage fails fast (one retry) instead of queueing: a commit that fails
    // keeps its frames held and is retried by the recorder, with the newest snapshot.
    const redis = new Redis(opts.url, { retryStrategy, maxRetriesPerRequest: 1, connectionName: 'pagebound-durable' });
    redis.on('error', () => {});
    redis.defineCommand('pbCommit', { numberOfKeys: 1, lua: COMMIT });
    redis.defineCommand('pbClaim', { numberOfKeys: 1, lua: CLAIM });
    redis.defineCommand('pbRemove', { numberOfKeys: 1, lua: REMOVE });
    this.#redis = redis as Scripted;
  }

  async commit(pageId: string, epoch: number, data: string, ttlMs: number): Promise<boolean> {
    return (await this.#redis.pbCommit(this.#key(pageId), epoch, data, Math.ceil(ttlMs))) === 1;
  }

  async read(pageId: string): Promise<StoredPage | undefined> {
    const [e, d] = await this.#redis.hmget(this.#key(pageId), 'e', 'd');
    return e === null || d === null ? undefined : { epoch: Number(e), data: d };
  }

  async claim(pageId: string, epoch: number, ttlMs: number): Promise<number | undefined> {
    const e = await this.#redis.pbClaim(this.#key(pageId), epoch, Math.ceil(ttlMs));
    return e === null ? undefined : Number(e);
  }

  async remove(pageId: string, epoch: number): Promise<void> {
    await this.#redis.pbRemove(this.#key(pageId), epoch);
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  #key(pageId: string): string {
    return this.#prefix + createHash('sha256').update(pageId).digest('base64url');
  }
}
