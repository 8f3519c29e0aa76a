/**
 * Topics across processes and machines, on Redis pub/sub (ioredis). Every publish goes through
 * Redis — a node's own subscribers get it back from Redis too, never short-circuited — so every node
 * sees one order per topic: the order Redis received the publishes in.
 *
 * Two connections, as Redis requires: one in subscriber mode, one for PUBLISH. Each topic is one
 * Redis channel, subscribed while this process has at least one listener on it. ioredis reconnects
 * on its own and re-subscribes every channel after a Redis restart.
 *
 * During an outage publishes are dropped, not buffered: subscribers on other nodes miss whatever is
 * published while they are cut off anyway, so a buffer would only deliver some of an outage's
 * messages, late. Dropped publishes are counted (`dropped`) and logged once per outage.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Listener, PubSub } from './pubsub.js';
import { PB_ERR_PUBSUB_CONNECT } from '../errors.js';

export interface RedisPubSubOptions {
  /** `redis://[:password@]host:port[/db]` or `rediss://…` for TLS. */
  url: string;
  /** Prefix of the Redis channel names, so apps can share a Redis. Default `pagebound:`. */
  channelPrefix?: string;
  /** How long `connect()` waits for Redis, ms. Default 10000. */
  connectTimeoutMs?: number;
  /** Told about outages and dropped publishes; never given message data. */
  log?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

/** Reconnect backoff: quick at first (a restart takes a second or two), capped at 1 s. */
const retryStrategy = (times: number): number => Math.min(50 * 2 ** Math.min(times, 5), 1000);

export class RedisPubSub implements PubSub {
  readonly #sub: Redis;
  readonly #pub: Redis;
  readonly #prefix: string;
  readonly #log: RedisPubSubOptions['log'];
  readonly #topics = new Map<string, Set<Listener>>();
  #size = 0;
  /** SUBSCRIBE commands Redis has not confirmed yet; a publish waits for them (see publish). */
  #pending = new Set<Promise<unknown>>();
  /** Publishes waiting behind a pending SUBSCRIBE, chained so they leave in call order. */
  #tail: Promise<unknown> | undefined;
  #dropped = 0;
  #outage = false;
  #closed = false;

  /** Connects both connections; rejects with PB_ERR_PUBSUB_CONNECT if Redis does not answer within `connectTimeoutMs`. */
  static async connect(opts: RedisPubSubOptions): Promise<RedisPubSub> {
    const ps = new RedisPubSub(opts);
    const ms = opts.connectTimeoutMs ?? 10_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        Promise.all([ps.#sub.connect(), ps.#pub.connect()]),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new PB_ERR_PUBSUB_CONNECT(ms)), ms);
        }),
      ]);
    } catch (err) {
      await ps.close();
      // ioredis' own errors can carry the host; ours never repeats the URL (it may hold a password).
      throw (err as { code?: string }).code === 'PB_ERR_PUBSUB_CONNECT' ? err : new PB_ERR_PUBSUB_CONNECT(ms);
    } finally {
      clearTimeout(timer);
    }
    return ps;
  }

  private constructor(opts: RedisPubSubOptions) {
    this.#prefix = opts.channelPrefix ?? 'pagebound:';
    this.#log = opts.log;
    const common: RedisOptions = { lazyConnect: true, retryStrategy, connectionName: 'pagebound' };
    // The subscriber queues SUBSCRIBEs made during an outage (bounded by the number of topics) and
    // never gives up on them; ioredis re-subscribes every channel once it is back.
    this.#sub = new Redis(opts.url, { ...common, maxRetriesPerRequest: null, autoResubscribe: true });
    // The publisher queues nothing while down: see the module comment.
    this.#pub = new Redis(opts.url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    for (const conn of [this.#sub, this.#pub]) {
      // Without a listener ioredis prints every failed reconnect; the outage is reported once below.
      conn.on('error', () => {});
    }
    this.#pub.on('close', () => this.#down());
    this.#pub.on('ready', () => this.#up());
    this.#sub.on('message', (channel: string, message: string) => this.#deliver(channel, message));
  }

  get size(): number {
    return this.#size;
  }

  /** Publishes dropped because Redis was unreachable, since start. */
  get dropped(): number {
    return this.#dropped;
  }

  subscribe(topic: string, listener: Listener): () => void {
    let set = this.#topics.get(topic);
    if (!set) {
      this.#topics.set(topic, (set = new Set()));
      this.#redis(this.#sub.subscribe(this.#prefix + topic));
    }
    // Wrapped so the same function subscribed twice is two subscriptions.
    const entry: Listener = (data) => listener(data);
    set.add(entry);
    this.#size++;
    return () => {
      if (!set.delete(entry)) return;
      this.#size--;
      if (set.size === 0 && this.#topics.get(topic) === set) {
        this.#topics.delete(topic);
        if (!this.#closed) void this.#sub.unsubscribe(this.#prefix + topic).catch(() => {});
      }
    };
  }

  publish(topic: string, data: unknown): void {
    if (this.#closed) return;
    if (this.#pub.status !== 'ready') return this.#drop();
    const message = JSON.stringify(data) ?? 'null';
    const send = () => this.#pub.publish(this.#prefix + topic, message).catch(() => this.#drop());
    // A subscriber expects what is published after its subscribe() returned. SUBSCRIBE and PUBLISH
    // travel on two connections, so a publish waits until the pending SUBSCRIBEs are confirmed —
    // one round trip. Not while the subscriber connection is down: its SUBSCRIBEs wait for the
    // reconnect, and publishes must not pile up behind them.
    if ((this.#pending.size === 0 || this.#sub.status !== 'ready') && !this.#tail) {
      void send();
      return;
    }
    const tail: Promise<unknown> = (this.#tail ?? Promise.all(this.#pending)).catch(() => {}).then(send);
    this.#tail = tail;
    void tail.then(() => {
      if (this.#tail === tail) this.#tail = undefined;
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#topics.clear();
    this.#size = 0;
    await Promise.all([this.#sub, this.#pub].map((c) => c.quit().catch(() => c.disconnect())));
  }

  #redis(command: Promise<unknown>): void {
    this.#pending.add(command);
    const done = () => this.#pending.delete(command);
    command.then(done, done);
  }

  #deliver(channel: string, message: string): void {
    if (!channel.startsWith(this.#prefix)) return;
    const set = this.#topics.get(channel.slice(this.#prefix.length));
    if (!set) return;
    let data: unknown;
    try {
      data = JSON.parse(message);
    } catch {
      // Not ours: something else published on our channel name.
      return;
    }
    for (const listener of [...set]) {
      try {
        listener(data);
      } catch (err) {
        // A listener's failure is its own; the others and the Redis connection go on.
        this.#log?.warn({ pubsub: 'redis', err }, 'topic listener failed');
      }
    }
  }

  #drop(): void {
    this.#dropped++;
    if (!this.#outage) this.#down();
  }

  #down(): void {
    if (this.#outage || this.#closed) return;
    this.#outage = true;
    this.#log?.warn({ pubsub: 'redis' }, 'Redis unreachable: publishes are dropped until it is back');
  }

  #up(): void {
    if (!this.#outage) return;
    this.#outage = false;
    this.#log?.info({ pubsub: 'redis', dropped: this.#dropped }, 'Redis reachable again');
  }
}
