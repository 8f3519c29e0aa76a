/**
 * Entry of the bundled runtime (`/_pagebound/client.<hash>.js`): connects the page's own instance
 * named by the boot block, installs the data-on-* bindings, reflects the connection state as a class
 * on <html>, and says goodbye when the tab leaves so the server frees the instance at once.
 */
import { BASE_PATH, BOOT_ELEMENT_ID, CssClass, PROTOCOL_VERSION } from '../src/protocol/constants.js';
import { installBindings } from './bindings.js';
import { installUrlState } from './url-state.js';
import type { TransportMode } from './reconnect.js';
import { closeAll, PAGE_ID, ServerSocket } from './server-socket.js';
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

function readBoot(): Boot | null {
  const el = document.getElementById(BOOT_ELEMENT_ID);
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

/** Exactly one of the state classes at a time (none before the first welcome and after close()). */
function reflectState(socket: ServerSocket): void {
  const list = document.documentElement.classList;
  const { connected, reconnecting, expired } = CssClass;
  const states: Array<[string, string]> = [
    ['open', connected],
    ['resume', connected],
    ['disconnect', reconnecting],
    ['reconnecting', reconnecting],
    ['expired', expired],
    ['close', ''],
  ];
  for (const [type, cls] of states) {
    socket.addEventListener(type, () => {
      // After expiry the final `close` keeps pb-expired: that is the state the page is left in.
      if (!cls && list.contains(expired)) return;
      list.remove(connected, reconnecting, expired);
      if (cls) list.add(cls);
    });
  }
}

/**
 * The default "Reconnecting…" badge, for pages whose layout has no `#pb-status` of its own. It is
 * shown only while reconnecting or expired, and an author's element with that id replaces it.
 */
function defaultIndicator(socket: ServerSocket): void {
  let badge: HTMLElement | undefined;
  const show = (text: string | null): void => {
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
  };
  socket.addEventListener('disconnect', () => show('Reconnecting…'));
  socket.addEventListener('reconnecting', () => show('Reconnecting…'));
  socket.addEventListener('resume', () => show(null));
  socket.addEventListener('open', () => show(null));
  socket.addEventListener('expired', () => show('This page has expired'));
}

const boot = readBoot();
if (boot?.id) {
  const socket = new ServerSocket(location.pathname, {
    base: boot.base ?? BASE_PATH,
    transport: boot.transport,
    [PAGE_ID]: boot.id,
  });
  if (boot.dev) window[DEV_HOOK]?.(socket);
  if (!boot.watchOnly) {
    reflectState(socket);
    defaultIndicator(socket);
    document.serverSocket = socket;
    installUrlState(socket);
    window.__pagebound = { socket, get stats() { return socket.stats; } };
  }
  // Restored from the back/forward cache: the instance was closed on pagehide, so start fresh.
  addEventListener('pageshow', (e) => e.persisted && location.reload());
}
window.ServerSocket = ServerSocket;
installBindings();
addEventListener('pagehide', closeAll);
