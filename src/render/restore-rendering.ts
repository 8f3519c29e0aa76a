/**
 * A durable page made again on another node (src/durable/durable-pages.ts) renders as it did on its
 * first node: its list items with their templates, and redraws of its template. The first
 * rendering's data (the method handler's result, params, query) did not move with the page, so its
 * redraws render with the state alone, and the first one sends the whole body: the browser's page
 * is not known here. List operations from `mount` are sent: the browser's lists are already filled.
 */
import type { Runtime } from '../runtime.js';
import type { DefinedPage } from '../page/define-page.js';
import type { PageInstance } from '../page/page-instance.js';
import type { RouteEntry } from '../routing/route-table.js';
import { TemplateListItems } from './list-items.js';
import { TemplateRedraw } from './redraw.js';

/** Before the restored page's `mount` runs. */
export function restoreRendering(rt: Runtime, instance: PageInstance<any>, def: DefinedPage, route: RouteEntry): void {
  if (def.lists) instance.listItems = new TemplateListItems(rt.templates, route.file, def.lists);
  instance.takeInitialLists();
  if (def.redraw === false) return;
  const data = { params: {}, query: {}, url: route.url, base: rt.prefix, nonce: '' };
  instance.redrawer = new TemplateRedraw(rt.templates, rt.templates.choose(route.file, def), data, undefined);
}
