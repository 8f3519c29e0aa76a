/**
 * Server-driven redraws: after a page's task, its template is rendered again with what the render's
 * handler returned overlaid by the page's current state, and the regions whose markup changed since
 * the last rendering the browser was sent are what the page pushes (`dom`, docs/protocol.md §2.3).
 */
import type { Redrawer } from '../page/page-instance.js';
import { changedRegions, splitRegions, type Regions } from './regions.js';
import { findElement } from './elements.js';
import type { TemplateChoice, Templates } from './templates.js';

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null);

/**
 * What a redraw renders with: the first render's data (params, query, url, base, nonce and the
 * handler's result) with the state's own fields on top, so a template that showed `it.count` from
 * `get: (_ctx, page) => ({ count: page.state.count })` shows the current count.
 */
export function redrawData(data: Record<string, unknown>, state: unknown, flash?: string): Record<string, unknown> {
  // `flash` is shown once: the first render's (from the cookie) is not shown again, a handler's
  // `page.flash()` only in the redraw of its task.
  return isPlainObject(state) ? { ...data, flash, ...state } : { ...data, flash };
}

/**
 * The state's value as text, to tell whether a task changed it without rendering the template;
 * undefined when it cannot be written as JSON (then every task renders).
 */
function fingerprint(state: unknown): string | undefined {
  try {
    return JSON.stringify(state) ?? '';
  } catch {
    return undefined;
  }
}

/**
 * The markup inside the page's `<title>` (still escaped), found in the head only: an SVG's title in
 * the body is not the page's. Undefined without one.
 */
export function titleOf(html: string): string | undefined {
  const at = html.search(/<title[\s>]/i);
  const body = html.search(/<body[\s>]/i);
  if (at < 0 || (body >= 0 && body < at)) return undefined;
  const title = findElement(html, (tag) => tag === 'title', at);
  return title && html.slice(title.inner, title.close);
}

export class TemplateRedraw implements Redrawer {
  readonly #templates: Templates;
  readonly #choice: TemplateChoice;
  readonly #data: Record<string, unknown>;
  /** The rendering the browser was last sent (or will get on resume: pushed frames are replayed); undefined: not known. */
  #shown: Regions | string | undefined;
  /** The title the browser shows; undefined when the page has none, or it is not known (after a restore). */
  #title: string | undefined;
  /** The state the last rendering was made from; a task that leaves it equal renders nothing. */
  #lastState: string | undefined;

  /**
   * `html`: the page's first rendering, before the client was injected; `state`: what it was made
   * from. Without `html` (a durable page restored on another node) the first redraw sends the whole body.
   */
  constructor(templates: Templates, choice: TemplateChoice, data: Record<string, unknown>, html: string | undefined, state?: unknown) {
    this.#templates = templates;
    this.#choice = choice;
    this.#data = data;
    // Split on the first redraw: most live pages are never redrawn, and the split costs a scan.
    this.#shown = html;
    this.#title = html === undefined ? undefined : titleOf(html);
    this.#lastState = html === undefined ? undefined : fingerprint(state);
  }

  /**
   * The regions that changed. A task that left the state as it was (by value) renders nothing — the
   * rendering depends on the first render's data and the state only — unless `force` (`page.render()`,
   * for a change the state does not show) or a `flash` message to show (`page.flash()`). A message
   * shown stays on screen until the next rendering, which is made without it.
   */
  next(state: unknown, force = false, flash?: string): { regions: Array<[string, string]>; title?: string } {
    const now = fingerprint(state);
    if (!force && flash === undefined && now !== undefined && now === this.#lastState) return { regions: [] };
    const known = this.#shown !== undefined;
    this.#lastState = now;
    const html = this.#templates.render(this.#choice, redrawData(this.#data, state, flash));
    const regions = splitRegions(html);
    const shown = typeof this.#shown === 'string' ? splitRegions(this.#shown) : this.#shown;
    const changed = changedRegions(shown, regions);
    this.#shown = regions;
    // A title that went missing leaves the browser's as it is; after a restore the first one is only remembered.
    const title = titleOf(html);
    const before = this.#title;
    if (title !== undefined) this.#title = title;
    return known && title !== undefined && title !== before ? { regions: changed, title } : { regions: changed };
  }
}
