/**
 * URL state without script: an element with `data-pb-url="?filter=active"` says where the address
 * bar should be for what the page shows. After each redraw the runtime pushes that address onto the
 * history (`data-pb-history="replace"` replaces instead); back/forward send the event named by
 * `data-pb-popstate` with `{ query, url }`, so the handler puts the state back and the page redraws.
 * Same origin only: an address elsewhere is ignored.
 */
import { URL_ATTR } from '../src/protocol/constants.js';

interface Sender { send(name: string, data?: unknown): void }

const POPSTATE_ATTR = 'data-pb-popstate';
const HISTORY_ATTR = 'data-pb-history';

/** Brings the address bar to what the page's `data-pb-url` says, if it says anything else. */
function follow(): void {
  const el = document.querySelector(`[${URL_ATTR}]`);
  if (!el) return;
  const target = new URL(el.getAttribute(URL_ATTR)!, location.href);
  const path = target.pathname + target.search;
  // The hash is the user's (an anchor they followed), never the page's state.
  if (target.origin !== location.origin || path === location.pathname + location.search) return;
  // The new entry keeps the state's mark of this page, so navigate.ts reads back/forward to it as URL state.
  if (el.getAttribute(HISTORY_ATTR) === 'replace') history.replaceState(history.state, '', path);
  else history.pushState(history.state, '', path);
}

/** `socket` gives the current page's socket: a navigation without reload changes it. */
export function installUrlState(socket: () => Sender | undefined): void {
  document.addEventListener('pb:redraw', follow);
  addEventListener('popstate', () => {
    const el = document.querySelector(`[${POPSTATE_ATTR}]`);
    const name = el?.getAttribute(POPSTATE_ATTR);
    if (!name) return;
    const query: Record<string, string> = {};
    new URLSearchParams(location.search).forEach((v, k) => { query[k] = v; });
    socket()?.send(name, { query, url: location.pathname + location.search });
  });
}
