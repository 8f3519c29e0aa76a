/**
 * A page's life as one state machine (docs/protocol.md §3, README "Lifecycle"):
 *
 *   rendering → rendered → connected ⇄ disconnected → closed     (any state → closed)
 *
 * `rendering` is the method handler's run; a page that turns out live is admitted, bound to the
 * session that rendered it, and waits `connectTimeoutMs` for its first connection. A dropped
 * connection waits `retainMs` for a resume. connected → connected is a newer connection replacing
 * an older one. Each wait is one timer, armed on entering its state and cleared on leaving it.
 */
export type Lifecycle = 'rendering' | 'rendered' | 'connected' | 'disconnected' | 'closed';

const NEXT: Record<Lifecycle, readonly Lifecycle[]> = {
  rendering: ['rendered', 'closed'],
  rendered: ['connected', 'closed'],
  connected: ['connected', 'disconnected', 'closed'],
  disconnected: ['connected', 'closed'],
  closed: [],
};

export interface LifecycleTimeouts {
  connectTimeoutMs: number;
  retainMs: number;
}

export class LifecycleMachine {
  #state: Lifecycle = 'rendering';
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #timeouts: LifecycleTimeouts;
  readonly #expire: (reason: 'connect-timeout' | 'retain-timeout') => void;

  constructor(timeouts: LifecycleTimeouts, expire: (reason: 'connect-timeout' | 'retain-timeout') => void) {
    this.#timeouts = timeouts;
    this.#expire = expire;
  }

  get state(): Lifecycle {
    return this.#state;
  }

  /** Moves to `next`; false (and nothing changes) when the table does not allow it. */
  to(next: Lifecycle): boolean {
    if (!NEXT[this.#state].includes(next)) return false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#state = next;
    if (next === 'rendered') this.#arm(this.#timeouts.connectTimeoutMs, 'connect-timeout');
    else if (next === 'disconnected') this.#arm(this.#timeouts.retainMs, 'retain-timeout');
    return true;
  }

  #arm(ms: number, reason: 'connect-timeout' | 'retain-timeout'): void {
    this.#timer = setTimeout(() => this.#expire(reason), ms);
    this.#timer.unref?.();
  }
}
