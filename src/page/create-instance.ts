/**
 * The one place a page instance is made, for a page render or a socket module's `open`, wired to
 * the app's pub/sub, limits and endpoints. It starts `rendering`; `Registry.admit` binds it to its
 * session once it turns out live (see page/lifecycle.ts). What pages share — per app and per
 * definition — is made once, so a page costs only its own fields.
 */
import { nanoid } from 'nanoid';
import type { Runtime } from '../runtime.js';
import type { DefinedPage, DefinedSocket } from './define-page.js';
import { PageInstance, type PageKind, type PageShared } from './page-instance.js';
import type { RouteEntry } from '../routing/route-table.js';

const sharedOf = new WeakMap<Runtime, PageShared>();
const kindOf = new WeakMap<DefinedPage | DefinedSocket, PageKind>();

/** `id`: a durable page taken over from another node keeps its id (src/durable/durable-pages.ts). */
export function createInstance(rt: Runtime, def: DefinedPage | DefinedSocket, route: RouteEntry, id?: string): PageInstance<any> {
  let shared = sharedOf.get(rt);
  if (!shared) {
    const o = rt.options;
    shared = {
      dev: o.dev,
      retainMs: o.retainMs,
      connectTimeoutMs: o.connectTimeoutMs,
      eventTimeoutMs: o.eventTimeoutMs,
      pubsub: rt.pubsub,
      log: rt.log,
      outlet: rt.endpoints.open,
      onClosed: (instance) => rt.registry.remove(instance),
      uploads: { disk: rt.uploads, idleMs: o.uploadIdleMs, defaults: o },
    };
    sharedOf.set(rt, shared);
  }
  let kind = kindOf.get(def);
  if (!kind) {
    kind = {
      handlers: def.on,
      catchAll: def.__serverSocketEvent?.bind(def),
      onClose: def.onClose?.bind(def),
      // A durable page is live: it exists to be resumed.
      live: 'durable' in def && def.durable ? true : 'live' in def ? def.live : undefined,
    };
    kindOf.set(def, kind);
  }
  // The node name lets a load balancer send the page's connections back here (deploy/haproxy.cfg).
  id ??= rt.options.nodeId ? `${rt.options.nodeId}.${nanoid()}` : nanoid();
  return new PageInstance(id, route.url, shared, kind);
}
