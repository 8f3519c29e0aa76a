/**
 * Puts a fetched page in place of the current one without unloading the window: the `<head>` is
 * merged (title, meta, styles of the new page; its new scripts run), the `<body>` is replaced, and
 * the new page's scripts run once, as a reload would run them.
 *
 * The body is replaced rather than morphed (as Turbo Drive and Livewire's `wire:navigate` do): the
 * new page's scripts run again, and on nodes a morph kept they would bind their listeners a second
 * time (a layout's menu button would toggle twice), which a reload never does. What should live on
 * across pages says so: an element with an `id` and `data-pb-keep` on both pages is moved over as it
 * is (a player, a sidebar's scroll), as are the runtime's own elements.
 *
 * Scripts are where this could go wrong, so they follow the page's own Content-Security-Policy:
 * an inline script runs only if it carries the nonce of the response it came in (the server put it
 * there; markup injected into the page cannot know that nonce), and then it runs under this
 * document's nonce, which is the one the browser enforces here. A script with a `src` runs only from
 * this origin; a page with a script from another origin is not swapped at all (the caller loads it
 * the browser's way, where the browser's CSP decides).
 */
import { KEEP_ATTR } from '../src/protocol/constants.js';
import { RUNTIME_IDS } from './morph.js';

/** Scripts of the fetched page wait under this type until their turn; an unknown type never runs. */
const INERT = 'pb/inert';
const TYPE_KEPT = 'data-pb-type';
/** How long the new page waits for its new stylesheets before showing anyway. */
const STYLE_WAIT_MS = 2_000;

const JS_TYPES = /^(|module|(text|application)\/(java|ecma)script)$/i;
const isCode = (s: HTMLScriptElement): boolean => JS_TYPES.test((s.getAttribute('type') ?? '').trim());

/** The nonce of this document's own scripts: new scripts need it to run under its policy. */
const ownNonce = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';

/** `'nonce-…'` of a response's `script-src`; '' when it has a policy without one, null when it has none. */
export function policyNonce(csp: string | null): string | null {
  if (!csp) return null;
  const directives = csp.split(/[;,]/).map((d) => d.trim());
  // Without a script-src, default-src governs scripts (CSP3 §6.8.1).
  const rule = directives.find((d) => /^script-src\s/i.test(d)) ?? directives.find((d) => /^default-src\s/i.test(d));
  return /'nonce-([^']+)'/.exec(rule ?? '')?.[1] ?? '';
}

/** Whether the browser would have run this script had it loaded the page itself. */
function allowed(s: HTMLScriptElement, nonce: string | null): boolean {
  if (s.hasAttribute('src')) return new URL(s.src, location.href).origin === location.origin;
  // The property: once in a document with a policy, the attribute reads empty (nonce hiding).
  return nonce === null || (nonce !== '' && (s.nonce || s.getAttribute('nonce')) === nonce);
}

/** Whether `doc` loads a script from another origin, which this swap never runs. */
export function foreignScripts(doc: Document): boolean {
  return Array.from(doc.scripts).some((s) => isCode(s) && s.hasAttribute('src') && new URL(s.getAttribute('src')!, location.href).origin !== location.origin);
}

/**
 * A live copy of a parsed script that runs when inserted (a parsed or imported one may not), or
 * null when the browser would not have run it had it loaded the page itself.
 */
function runnable(s: HTMLScriptElement, nonce: string | null): HTMLScriptElement | null {
  if (!allowed(s, nonce)) {
    console.warn('pagebound: a script of the new page without its nonce was not run');
    return null;
  }
  const fresh = document.createElement('script');
  for (const a of Array.from(s.attributes)) {
    if (a.name !== 'type' && a.name !== TYPE_KEPT && a.name !== 'nonce') fresh.setAttribute(a.name, a.value);
  }
  const type = s.getAttribute(TYPE_KEPT) ?? (s.getAttribute('type') === INERT ? null : s.getAttribute('type'));
  if (type) fresh.setAttribute('type', type);
  if (ownNonce) fresh.nonce = ownNonce;
  // Inserted scripts are async by default; the scripts of one page run in their order, as when parsed.
  fresh.async = s.hasAttribute('async');
  fresh.text = s.text;
  return fresh;
}

/** Marks every executable script of `root` inert, so that nothing runs before its turn. */
function holdScripts(root: ParentNode): void {
  for (const s of Array.from(root.querySelectorAll('script'))) {
    if (!isCode(s)) continue;
    if (s.hasAttribute('type')) s.setAttribute(TYPE_KEPT, s.getAttribute('type')!);
    s.setAttribute('type', INERT);
  }
}

/** An element's identity in the head, apart from its nonce (which differs on every response). */
function headKey(el: Element): string {
  const c = el.cloneNode(true) as Element;
  c.removeAttribute('nonce');
  return c.outerHTML;
}

const loaded = (link: HTMLLinkElement): Promise<void> =>
  new Promise((resolve) => {
    link.addEventListener('load', () => resolve(), { once: true });
    link.addEventListener('error', () => resolve(), { once: true });
    setTimeout(resolve, STYLE_WAIT_MS);
  });

/**
 * Head: what both pages have stays (a stylesheet is not fetched again, a script not run again);
 * the new page's other elements go in, after its new stylesheets load; the old page's other
 * elements go, except scripts (what ran stays run). The boot block is swapped like any element.
 * Returns the new head scripts, to run after the body is in.
 */
async function mergeHead(next: HTMLHeadElement, nonce: string | null): Promise<HTMLScriptElement[]> {
  const old = new Map<string, Element[]>();
  for (const el of Array.from(document.head.children)) {
    const k = headKey(el);
    old.set(k, [...(old.get(k) ?? []), el]);
  }
  const added: Element[] = [];
  const scripts: HTMLScriptElement[] = [];
  for (const el of Array.from(next.children)) {
    const same = old.get(headKey(el));
    if (same?.length) same.shift();
    else if (el instanceof HTMLScriptElement && isCode(el)) scripts.push(el);
    else added.push(document.importNode(el, true));
  }
  document.head.append(...added);
  await Promise.all(added.filter((el): el is HTMLLinkElement => el instanceof HTMLLinkElement && el.rel === 'stylesheet').map(loaded));
  for (const els of old.values()) {
    for (const el of els) if (!(el instanceof HTMLScriptElement && isCode(el))) el.remove();
  }
  return scripts.map((s) => runnable(s, nonce)).filter((s): s is HTMLScriptElement => s !== null);
}

/** The new body with the elements that live on across pages moved into it. */
function nextBody(doc: Document): HTMLElement {
  const body = document.importNode(doc.body, true);
  for (const el of Array.from(body.querySelectorAll(`[${KEEP_ATTR}][id]`))) {
    const live = document.getElementById(el.id);
    if (live?.hasAttribute(KEEP_ATTR) && live.tagName === el.tagName) el.replaceWith(live);
  }
  for (const id of RUNTIME_IDS) {
    const el = document.getElementById(id);
    if (el) body.append(el);
  }
  return body;
}

/**
 * Swaps `doc` in. `nonce` is the response's script nonce (`policyNonce`). False, with nothing
 * shown, when `current()` says a newer navigation took over while the new stylesheets loaded.
 * `attach` runs once the new page's markup is in and before its scripts, so they find
 * `document.serverSocket`, as after a load.
 */
export async function swapPage(doc: Document, nonce: string | null, current: () => boolean, attach: () => void): Promise<boolean> {
  holdScripts(doc.body);
  // A parsed document has scripting off, so its <noscript> content is markup; a loaded page ignores it.
  for (const n of Array.from(doc.querySelectorAll('noscript'))) n.remove();
  const headScripts = await mergeHead(doc.head, nonce);
  if (!current()) return false;
  if (document.title !== doc.title) document.title = doc.title;
  const html = document.documentElement;
  for (const name of ['lang', 'dir']) {
    const v = doc.documentElement.getAttribute(name);
    if (v === null) html.removeAttribute(name);
    else html.setAttribute(name, v);
  }
  // The page's own classes on <html> follow it; the runtime's (`pb-connected`…) stay.
  const ours = Array.from(html.classList).filter((c) => c.startsWith('pb-'));
  html.className = doc.documentElement.className;
  html.classList.add(...ours);
  document.body.replaceWith(nextBody(doc));
  attach();
  for (const s of headScripts) document.head.append(s);
  for (const s of Array.from(document.body.querySelectorAll<HTMLScriptElement>(`script[type="${INERT}"]`))) {
    // One the page's policy forbids stays in the DOM, inert, as the browser would have left it.
    const fresh = runnable(s, nonce);
    if (fresh) s.replaceWith(fresh);
  }
  // As on a load: the page's autofocus element, else nothing keeps the focus of the page before.
  const auto = document.querySelector<HTMLElement>('[autofocus]');
  if (auto) auto.focus();
  else (document.activeElement as HTMLElement | null)?.blur?.();
  return true;
}
