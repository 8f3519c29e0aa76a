/**
 * Keyed lists (`page.list(name)`, as LiveView's streams): a page appends, prepends and removes items
 * of a long list by id without holding the list in its state or sending it again. Each item is
 * rendered once, by the list's item template, when it is added; the page keeps nothing of it.
 *
 * Before the page's first rendering the operations are folded into the list's initial content (the
 * render puts it into the container); after it, they wait here until the end of the page's task and
 * leave as `ls` frames (docs/protocol.md §2.4) — after the task's redraw, so a container that the
 * same task made appear is in the page before its items arrive.
 */
import { LIST_FRAME_HTML_BYTES } from '../protocol/constants.js';
import type { ListOp } from '../protocol/frames.js';

/** A list's declaration: `definePage({ lists: { messages: { item: 'message.eta', limit: 200 } } })`. */
export interface ListDeclaration {
  /** The item's template, relative to the page file; its root element's `id` is the item's key. */
  item: string;
  /** Keep at most this many items in the page: an append drops the first ones, a prepend the last. Default: no limit. */
  limit?: number;
}

/** A page's list declarations, by name (`definePage({ lists })`). */
export type ListDeclarations = { readonly [name: string]: ListDeclaration };

/**
 * A declaration that also carries its item type (types only: items are not checked at run time).
 * Made by `list<T>()`.
 */
export interface TypedListDeclaration<T> extends ListDeclaration {
  readonly '~item'?: T;
}

/** The item type of a declaration: `T` for `list<T>(…)`, else `unknown`. */
export type ListItem<D> = D extends { readonly '~item'?: infer T } ? T : unknown;

/**
 * Declares a keyed list whose items are `T`, so `page.list(name).append(x)` checks `x`. The same
 * declaration at run time.
 * @example lists: { messages: list<Message>({ item: 'message.eta', limit: 200 }) }
 */
export const list = <T>(declaration: ListDeclaration): TypedListDeclaration<T> => declaration;

/** The handle a page gets from `page.list(name)`. */
export interface LiveList<T = unknown> {
  /** Adds items at the end, in order. An item whose id the list shows already is redrawn in place instead. */
  append(...items: T[]): void;
  /** Adds items at the start, keeping their order (`prepend(a, b)` shows a, b, then the old first). Same rule for a known id. */
  prepend(...items: T[]): void;
  /** Removes the items with these ids (the `id` their template gave them); an unknown id is ignored. */
  remove(...ids: string[]): void;
  /** Empties the list, then appends `items`. */
  reset(items?: Iterable<T>): void;
}

/** Renders a page's list items (src/render/list-items.ts); set on the page by the render. */
export interface ListItems {
  /** The item's HTML and the id its root element carries; throws PB_ERR_LIST_UNKNOWN or PB_ERR_LIST_ITEM_ID. */
  render(list: string, item: unknown): { html: string; id: string };
  /** The list's declared limit; throws PB_ERR_LIST_UNKNOWN for a list the page did not declare. */
  limit(list: string): number | undefined;
}

/** One `ls` frame's content. */
export interface ListBatch { n: string; o: ListOp[]; m?: number }

/** A list's items before the first rendering, in order, and their ids (most operations add a new one: no scan). */
interface Initial { items: Array<{ id: string; html: string }>; ids: Set<string> }

export class PageLists {
  readonly #items: ListItems;
  readonly #queued: () => void;
  readonly #handles = new Map<string, LiveList<any>>();
  /** Operations made since the last flush, in order, with the list each is for. */
  #ops: Array<{ n: string; op: ListOp }> = [];
  /** Until the first rendering took them: each list's content so far. */
  #initial: Map<string, Initial> | undefined;

  /**
   * `queued`: an operation now waits to be sent (the page schedules a flush). `rendered`: the page's
   * first rendering is already out (a restored durable page), so every operation is sent.
   */
  constructor(items: ListItems, queued: () => void, rendered = false) {
    this.#items = items;
    this.#queued = queued;
    this.#initial = rendered ? undefined : new Map();
  }

  get pending(): boolean {
    return this.#ops.length > 0;
  }

  get<T>(name: string): LiveList<T> {
    let handle = this.#handles.get(name);
    if (!handle) {
      const limit = this.#items.limit(name);
      const add = (at: 'a' | 'p', items: unknown[]): void => {
        // Rendered now: a template error surfaces at the author's call, not at the end of the task.
        const rendered = items.map((item) => this.#items.render(name, item));
        if (at === 'p') rendered.reverse();
        for (const r of rendered) this.#op(name, [at, r.html], r.id, limit);
      };
      handle = {
        append: (...items) => add('a', items),
        prepend: (...items) => add('p', items),
        remove: (...ids) => {
          for (const id of ids) this.#op(name, ['d', String(id)], String(id), limit);
        },
        reset: (items = []) => {
          this.#op(name, ['x'], '', limit);
          add('a', [...items]);
        },
      };
      this.#handles.set(name, handle);
    }
    return handle;
  }

  /** The first rendering takes each list's initial HTML; from then on operations are sent. */
  takeInitial(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [name, list] of this.#initial ?? []) out.set(name, list.items.map((i) => i.html).join(''));
    this.#initial = undefined;
    return out;
  }

  /** The operations made since the last call, as frames: one list's run of operations per frame, each within LIST_FRAME_HTML_BYTES. */
  take(): ListBatch[] {
    const out: ListBatch[] = [];
    let bytes = 0;
    for (const { n, op } of this.#ops.splice(0)) {
      const size = op.length === 2 ? op[1].length : 0;
      const last = out[out.length - 1];
      if (last && last.n === n && bytes + size <= LIST_FRAME_HTML_BYTES) {
        last.o.push(op);
        bytes += size;
        continue;
      }
      const limit = this.#items.limit(n);
      out.push(limit === undefined ? { n, o: [op] } : { n, o: [op], m: limit });
      bytes = size;
    }
    return out;
  }

  #op(name: string, op: ListOp, id: string, limit: number | undefined): void {
    if (this.#initial) {
      fold(this.#initial, name, op[0], id, op[1] ?? '', limit);
      return;
    }
    this.#ops.push({ n: name, op });
    this.#queued();
  }
}

/** Applies one operation to a list's content before the first rendering, as the browser would after it. */
function fold(lists: Map<string, Initial>, name: string, kind: ListOp[0], id: string, html: string, limit: number | undefined): void {
  let list = lists.get(name);
  if (!list || kind === 'x') lists.set(name, (list = { items: [], ids: new Set() }));
  if (kind === 'x') return;
  const { items, ids } = list;
  const at = ids.has(id) ? items.findIndex((i) => i.id === id) : -1;
  if (kind === 'd') {
    if (at >= 0) items.splice(at, 1);
    ids.delete(id);
    return;
  }
  if (at >= 0) items[at] = { id, html };
  else {
    ids.add(id);
    if (kind === 'a') items.push({ id, html });
    else items.unshift({ id, html });
  }
  if (limit !== undefined && items.length > limit) {
    const dropped = kind === 'a' ? items.splice(0, items.length - limit) : items.splice(limit);
    for (const d of dropped) ids.delete(d.id);
  }
}
