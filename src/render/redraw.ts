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

export class TemplateRedraw implements Redrawer {
  readonly #templates: Templates;
  readonly #choice: TemplateChoice;
  readonly #data: Record<string, unknown>;
  /** The rendering the browser was last sent (or will get on resume: pushed frames are replayed). */
  #shown: Regions | string;
  /** The state the last rendering was made from; a task that leaves it equal renders nothing. */
  #lastState: string | undefined;

  /** `html`: the page's first rendering, before the client was injected; `state`: what it was made from. */
  constructor(templates: Templates, choice: TemplateChoice, data: Record<string, unknown>, html: string, state?: unknown) {
    this.#templates = templates;
    this.#choice = choice;
    this.#data = data;
    // Split on the first redraw: most live pages are never redrawn, and the split costs a scan.
    this.#shown = html;
    this.#lastState = fingerprint(state);
  }

  /**
   * The regions that changed. A task that left the state as it was (by value) renders nothing — the
   * rendering depends on the first render's data and the state only — unless `force` (`page.render()`,
   * for a change the state does not show).
   */
  next(state: unknown, force = false): Array<[string, string]> {
    const now = fingerprint(state);
    if (!force && now !== undefined && now === this.#lastState) return [];
    this.#lastState = now;
    const regions = splitRegions(this.#templates.render(this.#choice, redrawData(this.#data, state)));
    const shown = typeof this.#shown === 'string' ? splitRegions(this.#shown) : this.#shown;
    const changed = changedRegions(shown, regions);
    this.#shown = regions;
    return changed;
  }
}
