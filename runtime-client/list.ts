/**
 * Keyed lists in the browser (`ls` frames, docs/protocol.md §2.4): the children of a
 * `data-pb-list="name"` element are the list's items, each known by its `id`. An operation appends,
 * prepends (an id the list has is morphed in place instead, keeping the item's focus and inputs),
 * deletes by id, or clears; `limit` then drops items from the other end. Redraws never touch the
 * items (morph.ts leaves a list's children alone), so the server need not hold or resend them.
 */
import { LIST_ATTR } from '../src/protocol/constants.js';
import type { ListOp } from '../src/protocol/frames.js';
import { morphElement, named, parseElement } from './morph.js';

/** The item with `id` among the container's children. */
const itemOf = (box: Element, id: string): Element | undefined => Array.from(box.children).find((c) => c.id === id);

/** Applies one `ls` frame to the list `name`; a list the page does not show (any more) is skipped. */
export function applyList(name: string, ops: ListOp[], limit?: number): void {
  const box = named(LIST_ATTR, name);
  if (!box) {
    console.warn('pagebound: no list named', name);
    return;
  }
  for (const op of ops) {
    if (op[0] === 'x') box.replaceChildren();
    else if (op[0] === 'd') itemOf(box, op[1])?.remove();
    else {
      const el = parseElement(op[1]);
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
