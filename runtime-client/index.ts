/**
 * Entry of the bundled runtime (`/_pagebound/client.<hash>.js`): connects the page's own instance
 * named by the boot block, installs the data-on-* bindings, reflects the connection state as a class
 * on <html>, and says goodbye when the tab leaves so the server frees the instance at once.
 */
import { BASE_PATH, BOOT_ELEMENT_ID, CssClass, PROTOCOL_VERSION } from '../src/protocol/constants.js';
import { installBindings } from './bindings.js';
import { installNavigate } from './navigate.js';
import { installUrlState } from './url-state.js';
import type { TransportMode } from './reconnect.js';
import { closeAll, closeOpen, PAGE_ID, ServerSocket } from './server-socket.js';
import { DEV_HOOK } from '../src/protocol/dev-events.js';

declare global {
  interface Window {
    /** For tests and debugging. */
    __pagebound?: { socket: ServerSocket; readonly stats: ServerSocket['stats'] };
  }
}

interface Boot {
  /** Absent on a page that only loads the runtime for `new ServerSocket(path)`. */
  id?: string;
  v: number;
  base?: string;
  transport?: TransportMode;
  /** `pagebound dev`: the dev bundle, loaded just before this script, wants the socket. */
  dev?: true;
  /** `pagebound dev`, a page that is not live: the socket is for the dev bundle only. */
  watchOnly?: true;
}

/** The boot block of this document, or of a page fetched by a navigation. */
function readBoot(doc: Document = document): Boot | null {
  const el = doc.getElementById(BOOT_ELEMENT_ID);
  if (!el) return null;
  try {
    const boot = JSON.parse(el.textContent ?? '') as Boot;
    if (boot.id !== undefined && typeof boot.id !== 'string') throw new Error('bad id');
    if (boot.v !== PROTOCOL_VERSION) console.warn('pagebound: protocol version mismatch', boot.v);
    return boot;
  } catch (e) {
    console.error('pagebound: bad #pb-boot', e);
    return null;
  }
}

type Shown = 'connected' | 'reconnecting' | 'expired' | '';
const SHOWN: Record<string, Shown> = {
  open: 'connected', resume: 'connected', disconnect: 'reconnecting', reconnecting: 'reconnecting', expired: 'expired', close: '',
};
/** What each reflected socket shows now; the page shows the worst of them. */
const shown = new Map<ServerSocket, Shown>();

/**
 * Exactly one of the state classes at a time (none before the first welcome and after close()).
 * With several sockets (a `client: true` page may open more than one) the worst wins: expired,
 * then reconnecting, then connected.
 */
function reflectState(socket: ServerSocket): void {
  const list = document.documentElement.classList;
  const { connected, reconnecting, expired } = CssClass;
  for (const [type, state] of Object.entries(SHOWN)) {
    socket.addEventListener(type, () => {
      // After expiry the final `close` keeps pb-expired: that is the state the page is left in.
      if (!state && shown.get(socket) === 'expired') return;
      if (state) shown.set(socket, state);
      else shown.delete(socket);
      const all = new Set(shown.values());
      const worst = all.has('expired') ? expired : all.has('reconnecting') ? reconnecting : all.has('connected') ? connected : '';
      list.remove(connected, reconnecting, expired);
      if (worst) list.add(worst);
      showBadge(worst === expired ? 'This page has expired' : worst === reconnecting ? 'Reconnecting…' : null);
    });
  }
}

/**
 * The default "Reconnecting…" badge, for pages whose layout has no `#pb-status` of its own. It is
 * shown only while reconnecting or expired, and an author's element with that id replaces it.
 */
let badge: HTMLElement | undefined;
function showBadge(text: string | null): void {
  if (document.getElementById('pb-status')) return;
  if (!badge && text) {
    badge = document.createElement('div');
    badge.id = 'pb-status-default';
    badge.setAttribute('role', 'status');
    badge.style.cssText =
      'position:fixed;bottom:.75rem;right:.75rem;z-index:2147483647;padding:.25rem .6rem;border-radius:.3rem;' +
      'font:13px/1.4 system-ui,sans-serif;background:#333;color:#fff;opacity:.85;pointer-events:none';
    document.body?.append(badge);
  }
  if (!badge) return;
  badge.textContent = text ?? '';
  badge.hidden = !text;
}

/** A `client: true` page: the sockets it opens itself show their state as a live page's does. */
class ReflectedSocket extends ServerSocket {
  constructor(...args: ConstructorParameters<typeof ServerSocket>) {
    super(...args);
    reflectState(this);
  }
}

/** Whether the page has an instance, which `pagehide` closed. */
let hasInstance = false;

/** Starts the page of `boot`: on load, and after each navigation without reload (navigate.ts). */
function attach(boot: Boot | null): void {
  document.serverSocket = undefined;
  window.__pagebound = undefined;
  hasInstance = !!boot?.id;
  if (boot?.id) {
    const socket = new ServerSocket(location.pathname, {
      base: boot.base ?? BASE_PATH,
      transport: boot.transport,
      [PAGE_ID]: boot.id,
    });
    if (boot.dev) window[DEV_HOOK]?.(socket);
    if (!boot.watchOnly) {
      reflectState(socket);
      document.serverSocket = socket;
      window.__pagebound = { socket, get stats() { return socket.stats; } };
    }
  }
  window.ServerSocket = boot && !boot.id ? ReflectedSocket : ServerSocket;
}

attach(readBoot());
// Restored from the back/forward cache: the instance was closed on pagehide, so start fresh.
addEventListener('pageshow', (e) => e.persisted && hasInstance && location.reload());
// Before URL state: its popstate listener must not hear a move to another page.
installNavigate<Boot>({ readBoot, leave: closeOpen, attach });
installUrlState(() => document.serverSocket);
installBindings();
addEventListener('pagehide', closeAll);
