/**
 * Server-driven redraws: after a page's task, its template is rendered again with what the render's
 * handler returned overlaid by the page's current state, and the regions whose markup changed since
 * the last rendering the browser was sent are what the page pushes (`dom`, docs/protocol.md §2.3).
 */
import type { Redrawer } from '../page/page-instance.js';
import { changedRegions, splitRegions, type Regions } from './regions.js';
import type { TemplateChoice, Templates } from './templates.js';

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null);

/**
 * What a redraw renders with: the first render's data (params, query, url, base, nonce and the
 * handler's result) with the state's own fields on top, so a template that showed `it.count` from
 * `get: (_ctx, page) => ({ count: page.state.count })` shows the current count.
 */
export function redrawData(data: Record<string, unknown>, state: unknown): Record<string, unknown> {
  return isPlainObject(state) ? { ...data, ...state } : data;
}

export class TemplateRedraw implements Redrawer {
  readonly #templates: Templates;
  readonly #choice: TemplateChoice;
  readonly #data: Record<string, unknown>;
  /** The rendering the browser was last sent (or will get on resume: pushed frames are replayed). */
  #shown: Regions;

  /** `html`: the page's first rendering, before the client was injected. */
  constructor(templates: Templates, choice: TemplateChoice, data: Record<string, unknown>, html: string) {
    this.#templates = templates;
    this.#choice = choice;
    this.#data = data;
    this.#shown = splitRegions(html);
  }

  next(state: unknown): Array<[string, string]> {
    const regions = splitRegions(this.#templates.render(this.#choice, redrawData(this.#data, state)));
    const changed = changedRegions(this.#shown, regions);
    this.#shown = regions;
    return changed;
  }
}
