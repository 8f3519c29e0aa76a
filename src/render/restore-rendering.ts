/**
 * A durable page made again on another node (src/durable/durable-pages.ts) renders as it did on its
 * first node: its list items with their templates, and redraws of its template. The first
 * rendering's view (params, query, url and the plain-JSON part of what `get` returned) travels in
 * the snapshot, so redraws go on from what the browser shows once the committed frames are
 * replayed: the rendering of the restored state, before `mount`, whose changes the next redraw
 * sends. A snapshot without a view (written by an older node) redraws with the state alone, and its
 * first redraw sends the whole body. List operations from `mount` are sent: the browser's lists are
 * already filled.
 */
import { nanoid } from 'nanoid';
import type { Runtime } from '../runtime.js';
import type { DefinedPage } from '../page/define-page.js';
import type { PageInstance } from '../page/page-instance.js';
import type { RouteEntry } from '../routing/route-table.js';
import { TemplateListItems } from './list-items.js';
import { TemplateRedraw, redrawData } from './redraw.js';

/** Before the restored page's `mount` runs. */
export function restoreRendering(
  rt: Runtime, instance: PageInstance<any>, def: DefinedPage, route: RouteEntry, view?: Record<string, unknown>,
): void {
  if (def.lists) instance.listItems = new TemplateListItems(rt.templates, route.file, def.lists);
  instance.takeInitialLists();
  if (def.redraw === false) return;
  const choice = rt.templates.choose(route.file, def);
  if (!view) {
    const data = { params: {}, query: {}, url: route.url, base: rt.prefix, nonce: '' };
    instance.redrawer = new TemplateRedraw(rt.templates, choice, data, undefined);
    return;
  }
  const data = { ...view, base: rt.prefix, nonce: nanoid(22) };
  try {
    instance.redrawer = new TemplateRedraw(rt.templates, choice, data, rt.templates.render(choice, redrawData(data, instance.state)), instance.state);
  } catch (err) {
    rt.log.error({ err }, 'durable page cannot be redrawn on this node; it runs without redraws');
  }
}
