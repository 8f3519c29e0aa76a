/**
 * Navigation without reloads, as Turbo Drive or Livewire's `wire:navigate`: inside an element with
 * `data-pb-navigate` (the layout's `<body>`, usually), a click on a same-origin link or the submit of
 * a GET form fetches the next page and swaps it in (page-swap.ts) instead of unloading the window.
 * The old page's sockets say `bye` and its instance closes; the new page's instance attaches on a
 * connection of its own. History and scroll behave as after a load: a new page starts at the top
 * (or its `#anchor`), back/forward fetch the page of that entry again and put its scroll back.
 *
 * Anything this cannot do as the browser would is left to the browser: other origins, `target`s
 * other than `_self`, `download`, modified or middle clicks, hash-only links, non-GET forms and forms
 * with files, `data-pb-reload`, and a fetch that fails, is not HTML, is an error status, is not a
 * pagebound page, runs another runtime version or loads scripts from another origin.
 *
 * History entries carry `{ pb: { v, k } }` in their state, merged with the author's: `v` names the
 * page (entries `data-pb-url` pushes keep the `v` of their page, so back/forward between them stay a
 * URL-state change of the same page, url-state.ts), `k` the entry (its scroll position).
 */
import { BASE_PATH, CssClass, NAVIGATE_ATTR, Paths, RELOAD_ATTR } from '../src/protocol/constants.js';
import { foreignScripts, policyNonce, swapPage } from './page-swap.js';

export interface NavBoot {
  id?: string;
  base?: string;
  /** `pagebound dev`, a page with no runtime in production: loaded the browser's way there too. */
  watchOnly?: true;
}

/** What navigation needs from the runtime's entry (index.ts). */
export interface PageHost<B extends NavBoot> {
  /** The boot block of a page's HTML, or null when it has none (not a pagebound page). */
  readBoot(doc: Document): B | null;
  /** Ends the current page: its sockets say `bye`. */
  leave(): void;
  /** Starts the page of `boot`: its socket, `document.serverSocket`. */
  attach(boot: B): void;
}

type Action = 'push' | 'replace' | 'restore';

interface Mark {
  /** The page the entry belongs to. */
  v: string;
  /** The entry. */
  k: string;
  /** Its scroll position when it was left by a navigation. */
  s?: [number, number];
}

/** Scroll positions remembered, one per history entry. */
const MAX_ENTRIES = 200;

const newKey = (): string => Math.random().toString(36).slice(2, 10) + Date.now().toString(36);

function markOf(state: unknown): Mark | undefined {
  const m = state && typeof state === 'object' ? (state as { pb?: Partial<Mark> }).pb : undefined;
  return m && typeof m.v === 'string' && typeof m.k === 'string' ? (m as Mark) : undefined;
}

/** The author's state of the current entry with our mark merged in; a state we cannot merge into is left alone. */
function marked(mark: Mark): unknown {
  const st: unknown = history.state;
  if (st !== null && (typeof st !== 'object' || Array.isArray(st))) return undefined;
  return { ...(st as object | null), pb: mark };
}

function setMark(mark: Mark): void {
  const st = marked(mark);
  if (st) history.replaceState(st, '');
}

/** Whether navigation is on for `el`: the nearest `data-pb-navigate` or `data-pb-reload` says. */
function enabled(el: Element): boolean {
  const scope = el.closest(`[${NAVIGATE_ATTR}],[${RELOAD_ATTR}]`);
  return !!scope && !scope.hasAttribute(RELOAD_ATTR) && scope.getAttribute(NAVIGATE_ATTR) !== 'false';
}

function targetsSelf(target: string | null): boolean {
  const t = (target || document.querySelector('base[target]')?.getAttribute('target') || '').toLowerCase();
  return t === '' || t === '_self';
}

const ours = (u: URL): boolean => u.origin === location.origin && (u.protocol === 'http:' || u.protocol === 'https:');

interface Fetched<B> {
  url: URL;
  doc: Document;
  boot: B;
  nonce: string | null;
}

export function installNavigate<B extends NavBoot>(host: PageHost<B>): void {
  /** The runtime this document runs; a page that loads another one (a new deploy) loads the browser's way. */
  const runtime = (document.currentScript as HTMLScriptElement | null)?.getAttribute('src') ?? null;
  let page = markOf(history.state)?.v ?? newKey();
  const scrolls = new Map<string, [number, number]>();
  let inflight: AbortController | undefined;
  /** From a click or popstate until the next page is in: scroll events then are not the user's. */
  let moving = 0;

  if (!markOf(history.state)) setMark({ v: page, k: newKey() });
  // An entry this document shows after a load (or leaves by unloading) is the browser's to scroll:
  // the manual mode is only for the moves this module makes within the document.
  history.scrollRestoration = 'auto';
  addEventListener('pagehide', () => { history.scrollRestoration = 'auto'; });

  /** A page fetched and then not shown: its instance closes now instead of after its connect timeout. */
  const abandon = (boot: B | null): void => {
    if (boot?.id) navigator.sendBeacon((boot.base ?? BASE_PATH) + Paths.bye, boot.id);
  };

  async function fetchPage(url: URL, signal: AbortSignal): Promise<Fetched<B> | null> {
    // mode same-origin: a redirect to another origin fails here and is followed by the browser instead.
    const res = await fetch(url, { signal, mode: 'same-origin', credentials: 'same-origin', headers: { accept: 'text/html' } });
    const final = new URL(res.url || url.href);
    const html = /^text\/html/i.test(res.headers.get('content-type') ?? '');
    if (!res.ok || !html || /attachment/i.test(res.headers.get('content-disposition') ?? '') || !ours(final)) {
      void res.body?.cancel().catch(() => undefined);
      return null;
    }
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    const boot = host.readBoot(doc);
    const sameRuntime = Array.from(doc.scripts).some((s) => s.getAttribute('src') === runtime);
    if (signal.aborted || !boot || boot.watchOnly || !sameRuntime || foreignScripts(doc)) {
      abandon(boot);
      return null;
    }
    // The fragment never reaches the server; the page that answered keeps the one asked for.
    final.hash = url.hash;
    return { url: final, doc, boot, nonce: policyNonce(res.headers.get('content-security-policy')) };
  }

  /** Loads `url` the browser's way. */
  function fallback(url: URL, action: Action): void {
    if (action === 'restore') location.reload();
    else if (action === 'replace') location.replace(url.href);
    else location.assign(url.href);
  }

  function busy(on: boolean): void {
    document.documentElement.classList.toggle(CssClass.navigating, on);
    if (on) document.documentElement.setAttribute('aria-busy', 'true');
    else document.documentElement.removeAttribute('aria-busy');
  }

  async function go(url: URL, action: Action, mark?: Mark): Promise<void> {
    moving++;
    try {
      await visit(url, action, mark);
    } finally {
      moving--;
    }
  }

  async function visit(url: URL, action: Action, mark?: Mark): Promise<void> {
    inflight?.abort();
    const ctrl = (inflight = new AbortController());
    busy(true);
    try {
      await load(url, action, ctrl, mark);
    } finally {
      if (inflight === ctrl) {
        inflight = undefined;
        busy(false);
      }
    }
  }

  async function load(url: URL, action: Action, ctrl: AbortController, mark?: Mark): Promise<void> {
    let next: Fetched<B> | null = null;
    try {
      next = await fetchPage(url, ctrl.signal);
    } catch {
      // A network failure: the browser's own attempt shows why.
    }
    if (ctrl.signal.aborted) return abandon(next?.boot ?? null);
    if (!next) return fallback(url, action);

    let entry: Mark;
    if (action === 'restore') {
      entry = mark!;
    } else {
      const left = markOf(history.state);
      if (left) setMark({ ...left, s: [scrollX, scrollY] });
      // The browser must not scroll the page it comes back to before that page is fetched; this module does it.
      history.scrollRestoration = 'manual';
      entry = { v: newKey(), k: newKey() };
      // The address first, so the new page's scripts and relative links see where they are.
      history[action === 'push' ? 'pushState' : 'replaceState']({ pb: entry }, '', next.url.href);
    }
    page = entry.v;
    history.scrollRestoration = 'manual';
    const { doc, boot, nonce } = next;
    let shown: boolean;
    try {
      shown = await swapPage(doc, nonce, () => !ctrl.signal.aborted, () => {
        host.leave();
        host.attach(boot);
      });
    } catch (e) {
      // Half swapped is worse than a load of the address, which is the new page's already.
      console.error('pagebound: navigation failed, loading the page', e);
      return location.reload();
    }
    if (!shown) return abandon(boot);
    const [x, y] = action === 'restore' ? (scrolls.get(entry.k) ?? entry.s ?? [0, 0]) : [0, 0];
    const anchor = action !== 'restore' && url.hash ? document.getElementById(decodeURIComponent(url.hash.slice(1))) : null;
    if (anchor) anchor.scrollIntoView();
    else scrollTo(x, y);
    document.dispatchEvent(new CustomEvent('pb:navigate', { detail: { url: location.href } }));
  }

  // Window, bubbling: after the page's own listeners and the bindings (a `data-on-click` link, a
  // `data-on-submit` form), which cancel the event when it is theirs.
  addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    const a = e.target instanceof Element ? e.target.closest('a[href]') : null;
    if (!(a instanceof HTMLAnchorElement) || !enabled(a) || a.hasAttribute('download') || !targetsSelf(a.getAttribute('target'))) return;
    const url = new URL(a.href);
    if (!ours(url)) return;
    // A hash-only link scrolls within the page; the browser does that.
    if (url.hash && url.pathname === location.pathname && url.search === location.search) return;
    e.preventDefault();
    void go(url, url.href === location.href ? 'replace' : 'push');
  });

  addEventListener('submit', (e) => {
    const form = e.target;
    if (e.defaultPrevented || !(form instanceof HTMLFormElement) || !enabled(form)) return;
    const by = e.submitter as HTMLButtonElement | HTMLInputElement | null;
    if (by && !enabled(by)) return;
    const method = (by?.getAttribute('formmethod') || form.getAttribute('method') || 'get').toLowerCase();
    if (method !== 'get' || !targetsSelf(by?.getAttribute('formtarget') ?? form.getAttribute('target'))) return;
    const data = new FormData(form, by);
    // A file field sends its name in a GET; leave that rarity to the browser.
    let file = false;
    data.forEach((v) => { file ||= typeof v !== 'string'; });
    if (file) return;
    const url = new URL(by?.hasAttribute('formaction') ? by.formAction : form.action);
    url.search = new URLSearchParams(data as unknown as Array<[string, string]>).toString();
    if (!ours(url)) return;
    e.preventDefault();
    void go(url, 'push');
  });

  // Registered before url-state's listener, which must not hear a move to another page.
  addEventListener('popstate', (e) => {
    const mark = markOf(e.state);
    // Unmarked entries are the author's (their own pushState).
    if (!mark) return;
    // An entry of the page shown is URL state (url-state.ts); a page still loading is not wanted any more.
    if (mark.v === page) return inflight?.abort();
    e.stopImmediatePropagation();
    void go(new URL(location.href), 'restore', mark);
  });

  // A followed `#anchor` makes an unmarked entry of this page.
  addEventListener('hashchange', () => {
    if (!markOf(history.state)) setMark({ v: page, k: newKey() });
  // An entry this document shows after a load (or leaves by unloading) is the browser's to scroll:
  // the manual mode is only for the moves this module makes within the document.
  history.scrollRestoration = 'auto';
  addEventListener('pagehide', () => { history.scrollRestoration = 'auto'; });
  });

  addEventListener('scroll', () => {
    const k = !moving && markOf(history.state)?.k;
    if (!k) return;
    scrolls.set(k, [scrollX, scrollY]);
    // One position per entry visited; browsers keep some 50 entries, so older ones are gone anyway.
    if (scrolls.size > MAX_ENTRIES) scrolls.delete(scrolls.keys().next().value!);
  }, { passive: true });
}
