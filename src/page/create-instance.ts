/**
 * Makes a page instance for a page or socket definition, wired to the app's pub/sub, limits and
 * registry. It is registered only once it turns out to be live (see render-page.ts).
 */
import { nanoid } from 'nanoid';
import type { Runtime } from '../runtime.js';
import type { DefinedPage, DefinedSocket } from './define-page.js';
import { PageInstance } from './page-instance.js';
import type { RouteEntry } from '../routing/route-table.js';
import { Defaults } from '../protocol/constants.js';

export function createInstance(rt: Runtime, def: DefinedPage | DefinedSocket, route: RouteEntry, sessionId: string): PageInstance<any> {
  const o = rt.options;
  return new PageInstance({
    // The node name lets a load balancer send the page's connections back here (deploy/haproxy.cfg).
    id: o.nodeId ? `${o.nodeId}.${nanoid()}` : nanoid(),
    sessionId,
    route: route.url,
    dev: o.dev,
    retainMs: o.retainMs,
    connectTimeoutMs: o.connectTimeoutMs,
    maxMailbox: o.maxMailbox,
    replayMaxFrames: o.replayMaxFrames,
    replayMaxBytes: o.replayMaxBytes,
    heartbeatMs: o.heartbeatMs,
    ackDelayMs: Defaults.ackDelayMs,
    pubsub: rt.pubsub,
    log: rt.log,
    handlers: def.on,
    catchAll: def.__serverSocketEvent?.bind(def),
    onClose: def.onClose?.bind(def),
    live: 'live' in def ? def.live : undefined,
    onClosed: (instance) => rt.registry.remove(instance),
  });
}
