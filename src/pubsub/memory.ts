/**
 * In-process pub/sub. Delivery is synchronous to each listener; page listeners only enqueue into
 * their mailbox, so a slow page cannot stall a publisher.
 */
import type { Listener, PubSub } from './pubsub.js';

export class MemoryPubSub implements PubSub {
  #topics = new Map<string, Set<Listener>>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  subscribe(topic: string, listener: Listener): () => void {
    let set = this.#topics.get(topic);
    if (!set) this.#topics.set(topic, (set = new Set()));
    // Wrap so that the same function subscribed twice is two subscriptions.
    const entry: Listener = (data) => listener(data);
    set.add(entry);
    this.#size++;
    return () => {
      if (set.delete(entry)) this.#size--;
      if (set.size === 0 && this.#topics.get(topic) === set) this.#topics.delete(topic);
    };
  }

  publish(topic: string, data: unknown): void {
    const set = this.#topics.get(topic);
    if (!set) return;
    for (const listener of [...set]) listener(data);
  }

  async close(): Promise<void> {
    this.#topics.clear();
    this.#size = 0;
  }
}
