/**
 * Durable pages on Redis (ioredis), shared by every node. Per page a hash, `e` (epoch) and `d`
 * (snapshot), and a sorted set of its kept frames scored by sequence number, under keys made from
 * a digest of the page id — so the id (the SessionID) never sits in Redis in the clear — with a
 * hash tag so both keys land on one Redis Cluster slot. Each write is one Lua script: Redis runs a
 * script atomically, so the epoch check and the write cannot be split by another node's claim.
 * ioredis sends a script by its SHA (EVALSHA), and its text only once after a NOSCRIPT.
 *
 * Group commit: the commits of every page that finishes a task in one turn of the event loop (a
 * topic message fanned out to many pages, say) leave in one write to Redis, which reads them in one
 * go and answers them in one write — a pipeline, with each page's script still atomic on its own.
 */
import * as crypto from 'node:crypto';
import { Redis } from 'ioredis';
import type { DurableStore, FrameChanges, StoredFrame, StoredPage } from './store.js';

// KEYS page, frames; ARGV epoch, data, ttl, dropThrough, then s, payload pairs. A first commit
// (nothing stored) must be at epoch 1, so a holder whose page was removed or expired cannot bring it back.
const COMMIT = `
local cur = redis.call('HGET', KEYS[1], 'e')
if (cur == false and ARGV[1] ~= '1') or (cur ~= false and cur ~= ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'e', ARGV[1], 'd', ARGV[2])
for i = 5, #ARGV, 2 do redis.call('ZADD', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1`;

// KEYS page, frames; ARGV epoch, ttl. Returns the new epoch, or nil when the page moved on or is gone.
const CLAIM = `
if redis.call('HGET', KEYS[1], 'e') ~= ARGV[1] then return false end
local e = redis.call('HINCRBY', KEYS[1], 'e', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return e`;

const REMOVE = `
if redis.call('HGET', KEYS[1], 'e') == ARGV[1] then redis.call('DEL', KEYS[1], KEYS[2]) end
return 1`;

const READ = `
local h = redis.call('HMGET', KEYS[1], 'e', 'd')
if h[1] == false then return false end
return { h[1], h[2], redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES') }`;

type Scripted = Redis & {
  pbCommit(page: string, frames: string, ...args: Array<string | number>): Promise<number>;
  pbClaim(page: string, frames: string, epoch: number, ttl: number): Promise<number | null>;
  pbRemove(page: string, frames: string, epoch: number): Promise<number>;
  pbRead(page: string, frames: string): Promise<[string, string, string[]] | null>;
};

export interface RedisStoreOptions {
  url: string;
  /** Prefix of the keys, so apps can share a Redis. Default `pagebound:page:`. */
  keyPrefix?: string;
}

/** Reconnect backoff as the pub/sub's: quick at first, capped at 1 s. */
const retryStrategy = (times: number): number => Math.min(50 * 2 ** Math.min(times, 5), 1000);

/** sha256 of the page id, base64url; the one-shot crypto.hash (Node ≥ 20.12) is about twice as fast. */
const digest: (id: string) => string = typeof crypto.hash === 'function'
  ? (id) => crypto.hash('sha256', id, 'base64url')
  : (id) => crypto.createHash('sha256').update(id).digest('base64url');

export class RedisStore implements DurableStore {
  readonly #redis: Scripted;
  readonly #prefix: string;
  #corked = false;

  constructor(opts: RedisStoreOptions) {
    this.#prefix = opts.keyPrefix ?? 'pagebound:page:';
    // A command during an outage fails fast (one retry) instead of queueing: a commit that fails
    // keeps its frames held and is retried by the recorder, with the newest snapshot.
    const redis = new Redis(opts.url, { retryStrategy, maxRetriesPerRequest: 1, connectionName: 'pagebound-durable' });
    redis.on('error', () => {});
    redis.defineCommand('pbCommit', { numberOfKeys: 2, lua: COMMIT });
    redis.defineCommand('pbClaim', { numberOfKeys: 2, lua: CLAIM });
    redis.defineCommand('pbRemove', { numberOfKeys: 2, lua: REMOVE });
    redis.defineCommand('pbRead', { numberOfKeys: 2, lua: READ });
    this.#redis = redis as Scripted;
  }

  async commit(pageId: string, epoch: number, data: string, changes: FrameChanges, ttlMs: number): Promise<boolean> {
    const args: Array<string | number> = [epoch, data, Math.ceil(ttlMs), changes.dropThrough];
    for (const f of changes.add) if (f.s > changes.dropThrough) args.push(f.s, f.payload);
    this.#cork();
    return (await this.#redis.pbCommit(...this.#keys(pageId), ...args)) === 1;
  }

  async read(pageId: string): Promise<StoredPage | undefined> {
    const r = await this.#redis.pbRead(...this.#keys(pageId));
    if (!r) return undefined;
    const frames: StoredFrame[] = [];
    // WITHSCORES: member, score, member, score… in score order.
    for (let i = 0; i < r[2].length; i += 2) frames.push({ s: Number(r[2][i + 1]), payload: r[2][i]! });
    return { epoch: Number(r[0]), data: r[1], frames };
  }

  async claim(pageId: string, epoch: number, ttlMs: number): Promise<number | undefined> {
    const e = await this.#redis.pbClaim(...this.#keys(pageId), epoch, Math.ceil(ttlMs));
    return e === null ? undefined : Number(e);
  }

  async remove(pageId: string, epoch: number): Promise<void> {
    await this.#redis.pbRemove(...this.#keys(pageId), epoch);
  }

  async refresh(pageIds: readonly string[], ttlMs: number): Promise<void> {
    if (pageIds.length === 0) return;
    const ttl = Math.ceil(ttlMs);
    // One pipeline: one write, one answer, however many pages (the caller bounds the batch).
    const batch = this.#redis.pipeline();
    for (const id of pageIds) for (const key of this.#keys(id)) batch.pexpire(key, ttl);
    const failed = (await batch.exec())?.find(([err]) => err)?.[0];
    if (failed) throw failed;
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  #keys(pageId: string): [string, string] {
    const key = `${this.#prefix}{${digest(pageId)}}`;
    return [key, `${key}:f`];
  }

  /**
   * Holds this turn's commands in the socket until the turn ends, so they leave in one write (as
   * the WebSocket transport does for frames). Only while connected: otherwise ioredis queues them.
   */
  #cork(): void {
    const stream = this.#redis.stream;
    if (this.#corked || this.#redis.status !== 'ready' || !stream) return;
    this.#corked = true;
    stream.cork();
    process.nextTick(() => {
      this.#corked = false;
      stream.uncork();
    });
  }
}
