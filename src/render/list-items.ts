/**
 * Renders the items of a page's keyed lists (`page.list`) with each list's item template, and reads
 * the item's key: the `id` of its one root element. Also puts the lists' first content into the
 * page's first rendering, inside each `data-pb-list` container.
 */
import path from 'node:path';
import { LIST_ATTR } from '../protocol/constants.js';
import type { ListDeclaration, ListItems } from '../page/live-list.js';
import { PB_ERR_LIST_ITEM_ID, PB_ERR_LIST_UNKNOWN, PB_ERR_TEMPLATE_MISSING } from '../errors.js';
import { attributeOf } from './regions.js';
import { findElement } from './elements.js';
import type { Templates } from './templates.js';

const hasOwn = Object.prototype.hasOwnProperty;

/** The escapes Eta's output uses, undone: an id as the browser will read it from the attribute. */
const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const unescape = (text: string): string => text.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!);

export class TemplateListItems implements ListItems {
  readonly #templates: Templates;
  readonly #page: string;
  readonly #dir: string;
  /** Item templates found on disk: one check per list, not one per item. */
  readonly #found = new Set<string>();
  readonly #lists: Readonly<Record<string, ListDeclaration>>;

  /** `pageFile`: the page, relative to the pages folder; item templates are relative to it. */
  constructor(templates: Templates, pageFile: string, lists: Readonly<Record<string, ListDeclaration>> | undefined) {
    this.#templates = templates;
    this.#page = pageFile;
    this.#dir = path.posix.dirname(pageFile);
    this.#lists = lists ?? {};
  }

  #declared(list: string): ListDeclaration {
    if (!hasOwn.call(this.#lists, list)) throw new PB_ERR_LIST_UNKNOWN(list);
    return this.#lists[list]!;
  }

  limit(list: string): number | undefined {
    return this.#declared(list).limit;
  }

  /** `pagebound build`: each item template exists and compiles (PB_ERR_TEMPLATE_MISSING, PB_ERR_TEMPLATE_SYNTAX). */
  check(): void {
    for (const list of Object.keys(this.#lists)) this.#templates.check({ template: { file: this.#file(list) }, layout: undefined });
  }

  /** The list's item template, relative to the pages folder; checked on disk once. */
  #file(list: string): string {
    const file = path.posix.normalize(path.posix.join(this.#dir, this.#declared(list).item));
    if (!this.#found.has(file)) {
      if (!this.#templates.exists(file)) throw new PB_ERR_TEMPLATE_MISSING(this.#page, file);
      this.#found.add(file);
    }
    return file;
  }

  render(list: string, item: unknown): { html: string; id: string } {
    const file = this.#file(list);
    const html = this.#templates.renderPartial(file, item).trim();
    const root = findElement(html, () => true);
    const id = root && root.start === 0 && html.slice(root.end).trim() === '' ? attributeOf(root.attrs, 'id') : undefined;
    if (!id) throw new PB_ERR_LIST_ITEM_ID(list);
    return { html, id: unescape(id) };
  }
}

/**
 * `html` with each list's first content put into its container (`data-pb-list="name"`), after what
 * the template itself wrote there. A list whose container the page does not have is left out.
 */
export function fillLists(html: string, lists: Map<string, string>): string {
  for (const [name, items] of lists) {
    if (!items) continue;
    const box = findElement(html, (_tag, attrs) => attributeOf(attrs, LIST_ATTR) === name);
    if (box && box.close > box.start) html = html.slice(0, box.close) + items + html.slice(box.close);
  }
  return html;
}
