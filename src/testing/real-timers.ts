/**
 * The timers the testing kit runs on, captured when it loads: a test may fake the global ones
 * (`vi.useFakeTimers()`) to drive a page's timers, and the kit's client, proxy and waits must keep
 * real time meanwhile, or they would freeze with the page's clock.
 */
export const realSetTimeout: typeof setTimeout = globalThis.setTimeout.bind(globalThis) as typeof setTimeout;
export const realClearTimeout: typeof clearTimeout = globalThis.clearTimeout.bind(globalThis) as typeof clearTimeout;

/** Resolves after `ms` of real time, whatever the test did to the global clock. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => realSetTimeout(resolve, ms));
