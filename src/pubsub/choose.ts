/**
 * Picks the app's PubSub from its options: one the host passed in, Redis when a URL is given
 * (`pubsub: { redisUrl }` or `PAGEBOUND_REDIS_URL`), else the in-process one — so `npm run dev`
 * needs no Redis.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { PubSub } from './pubsub.js';
import { MemoryPubSub } from './memory.js';
import { RedisPubSub } from './redis.js';

export interface ChosenPubSub {
  pubsub: PubSub;
  /** Whether pagebound made it, and so closes it with the app (a host's own it leaves open). */
  owned: boolean;
}

export async function choosePubSub(option: PubSub | { redisUrl: string } | undefined, log: FastifyBaseLogger): Promise<ChosenPubSub> {
  if (!option) return { pubsub: new MemoryPubSub(), owned: true };
  if ('redisUrl' in option) return { pubsub: await RedisPubSub.connect({ url: option.redisUrl, log }), owned: true };
  return { pubsub: option, owned: false };
}
