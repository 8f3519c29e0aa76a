/**
 * The request side of a page: route match → page module → instance → method handler → template →
 * injected client. The instance it creates is kept only when the render left it live.
 */
import { nanoid } from 'nanoid';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../runtime.js';
import type { RouteMatch } from '../routing/page-router.js';
import { isDefinedPage, isRedirect, makeRedirect, type Redirect, type RedirectOptions, type RequestContext } from '../page/define-page.js';
import { createInstance } from '../page/create-instance.js';
import { redrawView, stateJson } from '../durable/snapshot.js';
import { ensureSession } from '../session/session.js';
import { injectClient } from './inject-client.js';
import { TemplateRedraw } from './redraw.js';
import { fillLists, TemplateListItems } from './list-items.js';
import type { TemplateChoice } from './templates.js';
import { devErrorHtml, plainErrorHtml } from './error-page.js';
import { redirectLocation } from './redirect.js';
import { dropInvalidHeaders, headerValid, setSecurityHeaders } from './security-headers.js';
import { PB_ERR_HEADER_INVALID, PB_ERR_METHOD_NOT_ALLOWED, PB_ERR_NOT_FOUND, PB_ERR_RENDER_TIMEOUT } from '../errors.js';
import { readMultipart, type MultipartForm } from '../forms/multipart.js';
import { clearFlash, readFlash, setFlash } from '../forms/flash.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];

/** Whether the request is still the handler's to shape: after a timeout its answer is already out. */
interface Turn { over: boolean }

function makeContext(
  rt: Runtime, request: FastifyRequest, reply: FastifyReply, params: Record<string, string>, nonce: string, turn: Turn,
  form: MultipartForm | undefined,
): RequestContext {
  const body = form?.fields ?? request.body;
  const cookiePath = rt.prefix || '/';
  return {
    params,
    query: (request.query ?? {}) as Record<string, string | string[]>,
    headers: request.headers,
    cookies: request.cookies ?? {},
    body: typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined,
    files: form?.files ?? [],
    flashed: readFlash(request),
    base: rt.prefix,
    method: request.method,
    url: request.url,
    nonce,
    status: (code) => {
      if (!turn.over) reply.code(code);
    },
    header: (name, value) => {
      // Thrown here, so the stack points at the author's line, and the request gets the error page.
      if (!headerValid(name, value)) throw new PB_ERR_HEADER_INVALID();
      if (!turn.over) reply.header(name, value);
    },
    flash: (message) => setFlash(request, reply, String(message), cookiePath),
    redirect: (url, codeOrOptions?: number | RedirectOptions) => {
      const o = typeof codeOrOptions === 'number' ? { code: codeOrOptions } : codeOrOptions ?? {};
      const location = redirectLocation(url, `${request.protocol}://${request.host}`, o.allowOtherHost === true);
      return makeRedirect(location, o.code ?? 303);
    },
    request,
    reply,
  };
}

export async function renderPage(rt: Runtime, request: FastifyRequest, reply: FastifyReply, match: RouteMatch): Promise<void> {
  const { route, params } = match;
  if (rt.options.dev) rt.loader.noticeEdits(route.file);
  const def = await rt.loader.load(route.file);
  if (!isDefinedPage(def)) throw new PB_ERR_NOT_FOUND();

  const verb = request.method.toLowerCase();
  const method: Method | undefined = verb === 'head' ? 'get' : METHODS.find((m) => m === verb);
  const handler = method ? def[method] : undefined;
  if (!handler && method !== 'get') {
    reply.header('allow', ['GET', 'HEAD', ...METHODS.filter((m) => m !== 'get' && def[m]).map((m) => m.toUpperCase())].join(', '));
    throw new PB_ERR_METHOD_NOT_ALLOWED();
  }

  // nanoid draws from a pooled buffer: a fresh randomBytes() per response was a measurable cost.
  const nonce = nanoid(22);
  const turn: Turn = { over: false };
  const form = request.isMultipart?.() ? await readMultipart(request, rt.options) : undefined;
  const ctx = makeContext(rt, request, reply, params, nonce, turn, form);
  // The session is bound only once the page turns out live: a page that is not sets no cookie,
  // stays cacheable, and skips the cookie signature check.
  const instance = createInstance(rt, def, route);
  if (def.lists) instance.listItems = new TemplateListItems(rt.templates, route.file, def.lists);
  let html: string;
  /** The rendering before the lists' first items were put in: what redraws compare with (they never carry items). */
  let bare: string;
  let result: Record<string, unknown> | Redirect | void;
  let data: Record<string, unknown>;
  let choice: TemplateChoice;
  // Dev: every template file the render reads, so saving one updates this page in place.
  const reads = rt.dev ? new Set<string>() : undefined;
  try {
    if (def.state) instance.state = def.state(ctx);
    result = handler ? await withinTime(handler(ctx, instance), rt.options.renderTimeoutMs, turn) : undefined;
    if (dropInvalidHeaders(reply)) throw new PB_ERR_HEADER_INVALID();
    if (isRedirect(result)) {
      await instance.close('redirect');
      await reply.redirect(result.redirect, result.code);
      return;
    }
    // The same set-up a durable page's restore runs (src/durable/durable-pages.ts).
    if (def.mount) await def.mount(instance);
    if (def.durable) stateJson(instance.state, rt.options.maxDurableStateBytes);
    choice = rt.templates.choose(route.file, def);
    data = { params, query: ctx.query, url: request.url, base: rt.prefix, flash: ctx.flashed, ...(result ?? {}), nonce };
    html = bare = rt.templates.render(choice, data, reads);
    const lists = instance.takeInitialLists();
    if (lists) html = fillLists(html, lists);
    // Shown once: unless this very request left a new one, the message is gone after this render.
    if (ctx.flashed !== undefined) clearFlash(request, reply, rt.prefix || '/');
  } catch (err) {
    await instance.close('render-failed');
    throw err;
  }

  // A HEAD request gets the page's headers but no instance: nobody will connect to it. In dev a
  // page that is not live keeps one too, only so that saving its files updates the open tab.
  const watchOnly = rt.dev !== undefined && !instance.isLive;
  if ((instance.isLive || watchOnly) && verb !== 'head') {
    await rt.registry.admit(instance, ensureSession(request, reply), request.ip);
    if (def.durable) {
      try {
        // A redrawing page's view goes with it, so the node that takes it over can redraw it too.
        const view = !watchOnly && def.redraw !== false ? redrawView(data, instance.state, rt.options.maxDurableStateBytes) : undefined;
        await rt.durable.start(instance, view);
      } catch (err) {
        await instance.close('render-failed');
        throw err;
      }
    }
    if (!watchOnly && def.redraw !== false) instance.redrawer = new TemplateRedraw(rt.templates, choice, data, bare, instance.state);
    html = injectClient(html, instance.id, nonce, rt.bundle, rt.options.transport, rt.dev && { bundle: rt.dev.bundle, watchOnly }, rt.prefix);
    rt.dev?.track(instance, { file: route.file, def, data, reads: reads!, params, watchOnly });
    // Each render is its own instance, so a cached copy would point at a dead one.
    reply.header('cache-control', 'no-store');
  } else {
    if (instance.isLive) await instance.close('head');
    if (def.client) html = injectClient(html, undefined, nonce, rt.bundle, rt.options.transport, undefined, rt.prefix);
  }
  setSecurityHeaders(reply, rt.options.csp, nonce);
  reply.type('text/html; charset=utf-8').send(html);
}

/**
 * The handler's result, or PB_ERR_RENDER_TIMEOUT after `ms`. The handler itself cannot be stopped:
 * the caller closes the page, which aborts `page.signal` for a handler that listens, and `turn`
 * keeps whatever it does later from touching the answer already sent.
 */
async function withinTime<T>(work: T | Promise<T>, ms: number, turn: Turn): Promise<T> {
  if (!(work instanceof Promise)) return work;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      turn.over = true;
      reject(new PB_ERR_RENDER_TIMEOUT());
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Renders a 404 or an error: the author's `_404.eta`/`_error.eta` if present, else the built-in page. */
export function renderError(rt: Runtime, request: FastifyRequest, reply: FastifyReply, err: unknown, routeUrl: string): void {
  const status = (err as { statusCode?: number })?.statusCode ?? 500;
  const code = status >= 400 && status < 600 ? status : 500;
  if (code >= 500) request.log.error({ err, route: routeUrl }, 'page failed');
  // Whatever the page set before it failed may be what failed (a header with a CR/LF).
  dropInvalidHeaders(reply);
  reply.code(code).type('text/html; charset=utf-8');
  const nonce = setSecurityHeaders(reply, rt.options.csp);
  if (code >= 500 && rt.options.dev) {
    const html = devErrorHtml(err, rt.options.pagesDir, routeUrl);
    reply.send(rt.dev ? rt.dev.watchErrorPage(request, reply, html, routeUrl, nonce) : html);
    return;
  }
  // Dev: a not-found tab reloads itself once the page it asked for is saved.
  const send = (html: string) => reply.send(rt.dev && code === 404 ? rt.dev.watchErrorPage(request, reply, html, routeUrl, nonce) : html);
  const custom = rt.templates.rootTemplate(code === 404 ? '_404.eta' : '_error.eta');
  if (custom) {
    try {
      const layout = rt.templates.nearestLayout('.');
      send(rt.templates.render({ template: { file: custom }, layout }, { status: code, url: request.url, base: rt.prefix, nonce }));
      return;
    } catch (renderErr) {
      request.log.error({ err: renderErr }, 'error page template failed');
    }
  }
  send(plainErrorHtml(code));
}
