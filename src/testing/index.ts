/**
 * `pagebound/testing`: test pages without a browser, and prove they survive a bad network.
 *
 * - `mountPage(path, { pagesDir })`: render a page through a real Fastify app and drive its instance
 *   over the real wire protocol — send events, await replies and pushes, read its state, advance its timers.
 * - `startPageServer()` + `startFaultProxy()`: a real server that can be restarted, and a network
 *   between it and a client that drops, stalls, delays, duplicates and reorders.
 * - `assertHandledOnce(client)`, `assertExactlyOnce(log, expected)` and `pageMatchers` for
 *   `expect.extend`: each event handled exactly once.
 *
 * Guide: docs/testing.md.
 */
export { mountPage, type MountOptions, type MountedPage } from './mount-page.js';
export { startPageServer, type PageServer, type RenderedPage, type OpenOptions } from './page-server.js';
export { PageClient, PageCallError, type Push, type DeliveryReport, type PageClientOptions } from './page-client.js';
export { startFaultProxy, type FaultProxy, type FaultStats } from './fault-proxy.js';
export { assertHandledOnce, assertExactlyOnce, compareOnce, pageMatchers, type OnceReport } from './exactly-once.js';
export { sleep } from './real-timers.js';
