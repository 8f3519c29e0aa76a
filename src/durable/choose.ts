/**
 * Picks where durable pages are committed: Redis when the app's topics are on Redis (`pubsub:
 * { redisUrl }` or `PAGEBOUND_REDIS_URL`), so every node can claim every page; else this process's
 * memory, which needs nothing to start and survives no restart.
 */
import type { PubSub } from '../pubsub/pubsub.js';
import type { DurableStore } from './store.js';
import { MemoryStore } from './memory-store.js';
import { RedisStore } from './redis-store.js';

export function chooseStore(pubsub: PubSub | { redisUrl: string } | undefined): DurableStore {
  return pubsub && 'redisUrl' in pubsub ? new RedisStore({ url: pubsub.redisUrl }) : new MemoryStore();
}
