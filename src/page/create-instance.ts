/**
 * The one place a page instance is made, for a page render or a socket module's `open`, wired to
 * the app's pub/sub, limits and endpoints. It starts `rendering`; `Registry.admit` binds it to its
 * session once it turns out live (see page/lifecycle.ts).
 */
import { nanoid } from 'nanoid';
import type { Runtime } from '../runtime.js';
import type { DefinedPage, DefinedSocket } from './define-page.js';
import { PageInstance } from './page-instance.js';
import type { RouteEntry } from '../routing/route-table.js';

export function createInstance(rt: Runtime, def: DefinedPage | DefinedSocket, route: RouteEntry): PageInstance<any> {
  const o = rt.options;
  return new PageInstance({
    id: nanoid(),
    route: route.url,
    dev: o.dev,
    retainMs: o.retainMs,
    connectTimeoutMs: o.connectTimeoutMs,
    eventTimeoutMs: o.eventTimeoutMs,
    pubsub: rt.pubsub,
    log: rt.log,
    outlet: rt.endpoints.open,
    handlers: def.on,
    catchAll: def.__serverSocketEvent?.bind(def),
    onClose: def.onClose?.bind(def),
    live: 'live' in def ? def.live : undefined,
    onClosed: (instance) => rt.registry.remove(instance),
  });
}
