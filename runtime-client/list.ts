/**
 * Keyed lists in the browser (`ls` frames, docs/protocol.md §2.4): the children of a
 * `data-pb-list="name"` element are the list's items, each known by its `id`. An operation appends,
 * prepends (an id the list has is morphed in place instead, keeping the item's focus and inputs),
 * deletes by id, or clears; `limit` then drops items from the other end. Redraws never touch the
 * items (morph.ts leaves a list's children alone), so the server need not hold or resend them.
 */
import { LIST_ATTR } from '../src/protocol/constants.js';
import type { ListOp } from '../src/protocol/frames.js';
import { morphElement } from './morph.js';

function containerOf(name: string): Element | undefined {
  return Array.from(document.querySelectorAll(`[${LIST_ATTR}]`)).find((e) => e.getAttribute(LIST_ATTR) === name);
}

/** The item with `id` among the container's children (ids are unique in a page: one lookup, then a check). */
function itemOf(box: Element, id: string): Element | undefined {
  const el = document.getElementById(id);
  if (el?.parentElement === box) return el;
  return Array.from(box.children).find((c) => c.id === id);
}

function parse(html: string): Element | null {
  // A template parses an item in any context (an <li>, a <tr>).
  const t = document.createElement('template');
  t.innerHTML = html;
  return t.content.firstElementChild;
}

/** Applies one `ls` frame to the list `name`; a list the page does not show (any more) is skipped. */
export function applyList(name: string, ops: ListOp[], limit?: number): void {
  const box = containerOf(name);
  if (!box) {
    console.warn('pagebound: no list named', name);
    return;
  }
  for (const op of ops) {
    if (op[0] === 'x') box.replaceChildren();
    else if (op[0] === 'd') itemOf(box, op[1])?.remove();
    else {
      const el = parse(op[1]);
      if (!el) continue;
      const old = el.id ? itemOf(box, el.id) : undefined;
      if (old) morphElement(old, el);
      else if (op[0] === 'a') box.append(el);
      else box.prepend(el);
      // Drop from the other end: an append keeps the newest last items, a prepend the newest first.
      while (limit !== undefined && box.children.length > limit) (op[0] === 'a' ? box.firstElementChild : box.lastElementChild)!.remove();
    }
  }
  document.dispatchEvent(new CustomEvent('pb:list', { detail: { name } }));
}
