/**
 * Mounts one page in-process, with no browser: it is rendered through a real Fastify app
 * (`app.inject`, so hooks, cookies and headers are the real ones) and its instance is driven over a
 * real loopback WebSocket with the wire frames of docs/protocol.md — events, replies, pushes — while
 * the test reads the instance's state and, with `fakeTimers`, moves its timers forward.
 */
import type { ServerOptions } from '../server.js';
import { PageClient } from './page-client.js';
import { cookieOf, pageIdOf, startPageServer, type PageServer } from './page-server.js';
import { sleep } from './real-timers.js';

export interface MountOptions extends ServerOptions {
  /** Headers for the GET that renders the page (cookies, accept-language…). */
  headers?: Record<string, string>;
  /**
   * Fake timers with vitest's from before the render to `close()` (`setTimeout`, `setInterval` and
   * their clears; not `Date`, so heartbeats keep their real meaning): `page.setTimeout(fn, 60_000)`
   * runs on `await advance(60_000)`. The kit's own client and waits keep real time. Default false.
   * Needs vitest.
   */
  fakeTimers?: boolean;
}

export interface MountedPage {
  /** The rendered HTML and its status. */
  readonly html: string;
  readonly status: number;
  /** The page id; undefined when the page keeps no instance (then send/call throw). */
  readonly id: string | undefined;
  /** The connected client: pushes, report(), drop(), until()… */
  readonly client: PageClient;
  /** The page instance's `page.state`, read live. */
  readonly state: unknown;
  /** The server behind the page, for more tabs (`server.open(path)`) or a restart. */
  readonly server: PageServer;
  send(name: string, data?: unknown): number;
  call<T = unknown>(name: string, data?: unknown): Promise<T>;
  /** The next push named `name` (waits for it). */
  next<T = unknown>(name: string, ms?: number): Promise<T>;
  /** Every push so far, in order. */
  readonly pushes: PageClient['pushes'];
  /** Every keyed-list operation received (`page.list`), once each. */
  readonly listOps: PageClient['listOps'];
  /** With `fakeTimers`: runs the page's timers due within `ms`, then lets what they pushed arrive. */
  advance(ms: number): Promise<void>;
  /** Closes the client, the instance and the server (and restores real timers). */
  close(): Promise<void>;
}

type Vi = { useFakeTimers(o: object): unknown; useRealTimers(): unknown; advanceTimersByTimeAsync(ms: number): Promise<unknown> };

async function vitest(): Promise<Vi> {
  try {
    return (await import('vitest')).vi as unknown as Vi;
  } catch {
    throw new Error('mountPage({ fakeTimers: true }) drives the page timers with vitest: run the test with vitest.');
  }
}

/**
 * @example
 * const page = await mountPage('/counter', { pagesDir: 'pages' });
 * expect(await page.call('inc')).toBe(1);
 * expect(await page.next('count')).toBe(1);
 * expect(page.state).toEqual({ count: 1 });
 * await page.close();
 */
export async function mountPage(path: string, opts: MountOptions = {}): Promise<MountedPage> {
  const { headers, fakeTimers, ...serverOptions } = opts;
  const server = await startPageServer(serverOptions);
  const vi = fakeTimers ? await vitest() : undefined;
  // Installed before the render, which is where a page starts its timers. `Date` stays real, so the
  // connection's heartbeat bookkeeping keeps its meaning however far the test advances.
  vi?.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  try {
    const res = await server.app.inject({ method: 'GET', url: path, headers });
    const id = pageIdOf(res.body);
    const client = new PageClient(server.url, id ?? 'none', { cookie: cookieOf(res.headers['set-cookie']) });
    if (id) await client.connect();
    const live = () => {
      if (!id) throw new Error(`${path} keeps no page instance (no handlers, timers or subscriptions): nothing to send to.`);
      return client;
    };
    return {
      html: res.body,
      status: res.statusCode,
      id,
      client,
      server,
      get state() {
        return id ? server.stateOf(id) : undefined;
      },
      get pushes() { return client.pushes; },
      get listOps() { return client.listOps; },
      send: (name, data) => live().send(name, data),
      call: (name, data) => live().call(name, data),
      next: (name, ms) => live().next(name, ms),
      async advance(ms) {
        if (!vi) throw new Error('advance() needs mountPage(path, { fakeTimers: true }).');
        await vi.advanceTimersByTimeAsync(ms);
        // The timers ran in the page's mailbox and pushed; give the frames real time to arrive.
        await sleep(20);
      },
      async close() {
        vi?.useRealTimers();
        if (id) await client.close();
        await server.close();
      },
    };
  } catch (err) {
    vi?.useRealTimers();
    await server.close();
    throw err;
  }
}
