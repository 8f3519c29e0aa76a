/**
 * Morphs new server-rendered HTML into the live DOM with idiomorph, which matches elements by id
 * and shape and changes only what differs, so the elements the user is working in stay the same
 * nodes. What belongs to the user survives every update: focus, caret and selection (the focused
 * element keeps its value and is never replaced), the value of a control they changed that is not
 * bound to an event, an open `<details>`, scroll positions (nodes are kept, not rebuilt), and
 * anything under `data-pb-keep`.
 *
 * idiomorph rather than morphdom: it matches by id across the whole subtree (morphdom only among
 * siblings), so a moved or re-ordered keyed row is moved, not rebuilt, and its focus kept.
 */
import { Idiomorph } from 'idiomorph';
import { KEEP_ATTR, LIST_ATTR, REGION_ATTR } from '../src/protocol/constants.js';

/** Elements the runtime itself puts in the body; the page's HTML never has them. */
export const RUNTIME_IDS = new Set(['pb-status-default']);

/**
 * Whether the user changed a form control the server does not hear about, so its value is theirs
 * and the update must keep it. A control bound with `data-on-input`/`data-on-change` told the
 * server its value: what the server renders for it wins (unless it has focus: idiomorph's
 * `ignoreActiveValue` keeps the value being typed).
 */
function edited(el: Element): boolean {
  if (el.closest('[data-on-input],[data-on-change]')) return false;
  if (el instanceof HTMLInputElement) {
    return el.type === 'checkbox' || el.type === 'radio' ? el.checked !== el.defaultChecked : el.value !== el.defaultValue;
  }
  if (el instanceof HTMLTextAreaElement) return el.value !== el.defaultValue;
  return false;
}

/** The element the user is typing in keeps its value (and a contenteditable its content). */
const typingIn = (el: Element): boolean => el === document.activeElement && el !== document.body;

/**
 * A keyed list's container (list.ts) takes the attributes it now renders with, but its children are
 * the list's items, which only `ls` frames change: the redraw renders the container empty.
 */
function keepItems(old: Element, next: Node): boolean {
  if (!(next instanceof Element)) return true;
  for (const a of Array.from(old.attributes)) if (!next.hasAttribute(a.name)) old.removeAttribute(a.name);
  for (const a of Array.from(next.attributes)) if (old.getAttribute(a.name) !== a.value) old.setAttribute(a.name, a.value);
  return false;
}

// Not idiomorph's `ignoreActiveValue`: it also leaves the focused element's children alone, so a
// focused button's label (a counter's) would never update.
const OPTIONS = {
  restoreFocus: true,
  callbacks: {
    beforeNodeRemoved: (node: Node) => !(node instanceof Element && RUNTIME_IDS.has(node.id)),
    beforeNodeMorphed: (old: Node, next: Node) =>
      !(old instanceof Element && (old.hasAttribute(KEEP_ATTR) || (typingIn(old) && (old as HTMLElement).isContentEditable))) &&
      !(old instanceof Element && old.hasAttribute(LIST_ATTR) && !keepItems(old, next)),
    beforeAttributeUpdated: (name: string, el: Element) =>
      !(name === 'value' && (typingIn(el) || edited(el))) && !(name === 'checked' && edited(el)) &&
      !(name === 'open' && el instanceof HTMLDetailsElement),
  },
};

/** Morphs a whole page's HTML into the body (and its title). */
export function morphPage(html: string): void {
  const next = new DOMParser().parseFromString(html, 'text/html');
  if (next.title && next.title !== document.title) document.title = next.title;
  Idiomorph.morph(document.body, next.body, { morphStyle: 'outerHTML', ...OPTIONS });
}

/** The element whose attribute `attr` is `name` (a region, a list), if the page has one. */
export const named = (attr: string, name: string): Element | undefined =>
  Array.from(document.querySelectorAll(`[${attr}]`)).find((e) => e.getAttribute(attr) === name);

/** The first element of `html`, parsed in any context (a <tr> outside a table would be dropped by a body). */
export function parseElement(html: string): Element | null {
  const t = document.createElement('template');
  t.innerHTML = html;
  return t.content.firstElementChild;
}

/** Morphs one region (`data-pb-region="name"`) to `html`, its element as it now renders. False when it is not in the page. */
export function morphRegion(name: string, html: string): boolean {
  const el = named(REGION_ATTR, name);
  const next = el && parseElement(html);
  if (!el || !next) return false;
  Idiomorph.morph(el, next, { morphStyle: 'outerHTML', ...OPTIONS });
  return true;
}

/** Morphs one element into `next` (a list's item redrawn in place), with the same care for what the user holds. */
export function morphElement(el: Element, next: Element): void {
  Idiomorph.morph(el, next, { morphStyle: 'outerHTML', ...OPTIONS });
}

/** The text of `<title>` markup as the browser reads it (entities decoded), from an inert document. */
const titleText = (markup: string): string => new DOMParser().parseFromString(`<title>${markup}</title>`, 'text/html').title;

/** Applies a `dom` frame's regions (`""` is the body), and the title when it changed. */
export function applyRedraw(regions: Array<[string, string]>, title?: string): void {
  if (title !== undefined) document.title = titleText(title);
  for (const [name, html] of regions) {
    if (name === '') morphPage(html);
    else if (!morphRegion(name, html)) console.warn('pagebound: no region to redraw named', name);
  }
  document.dispatchEvent(new CustomEvent('pb:redraw', { detail: { regions: regions.map(([n]) => n) } }));
}
