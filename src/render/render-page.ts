/**
 * The request side of a page: route match → page module → instance → method handler → template →
 * injected client. The instance it creates is kept only when the render left it live.
 */
import { nanoid } from 'nanoid';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../runtime.js';
import type { RouteMatch } from '../routing/page-router.js';
import { isDefinedPage, type Redirect, type RequestContext } from '../page/define-page.js';
import { createInstance } from '../page/create-instance.js';
import { ensureSession } from '../session/session.js';
import { injectClient } from './inject-client.js';
import { devErrorHtml, plainErrorHtml } from './error-page.js';
import { PB_ERR_METHOD_NOT_ALLOWED, PB_ERR_NOT_FOUND } from '../errors.js';
import { readMultipart, type MultipartForm } from '../forms/multipart.js';
import { clearFlash, readFlash, setFlash } from '../forms/flash.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];

const isRedirect = (x: unknown): x is Redirect =>
  typeof x === 'object' && x !== null && typeof (x as Redirect).redirect === 'string' && typeof (x as Redirect).code === 'number';

function contentSecurityPolicy(nonce: string): string {
  return `script-src 'self' 'nonce-${nonce}'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'`;
}

function makeContext(
  rt: Runtime, request: FastifyRequest, reply: FastifyReply, params: Record<string, string>, nonce: string, form: MultipartForm | undefined,
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
    status: (code) => void reply.code(code),
    header: (name, value) => void reply.header(name, value),
    flash: (message) => setFlash(request, reply, String(message), cookiePath),
    redirect: (url, code = 303) => ({ redirect: url, code }),
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
  const form = request.isMultipart?.() ? await readMultipart(request, rt.options) : undefined;
  const ctx = makeContext(rt, request, reply, params, nonce, form);
  // The session is bound only once the page turns out live: a page that is not sets no cookie,
  // stays cacheable, and skips the cookie signature check.
  const instance = createInstance(rt, def, route, '');
  let html: string;
  try {
    if (def.state) instance.state = def.state(ctx);
    const result = handler ? await handler(ctx, instance) : undefined;
    if (isRedirect(result)) {
      await instance.close('redirect');
      await reply.redirect(result.redirect, result.code);
      return;
    }
    const choice = rt.templates.choose(route.file, def);
    html = rt.templates.render(choice, {
      params, query: ctx.query, url: request.url, base: rt.prefix, flash: ctx.flashed, ...(result ?? {}), nonce,
    });
    // Shown once: unless this very request left a new one, the message is gone after this render.
    if (ctx.flashed !== undefined) clearFlash(request, reply, rt.prefix || '/');
  } catch (err) {
    await instance.close('render-failed');
    throw err;
  }

  // A HEAD request gets the page's headers but no instance: nobody will connect to it.
  if (instance.isLive && verb !== 'head') {
    instance.sessionId = ensureSession(request, reply);
    await rt.registry.admit(instance);
    html = injectClient(html, instance.id, nonce, rt.bundle, rt.options.transport, rt.prefix);
    // Each render is its own instance, so a cached copy would point at a dead one.
    reply.header('cache-control', 'no-store');
  } else {
    if (instance.isLive) await instance.close('head');
    if (def.client) html = injectClient(html, undefined, nonce, rt.bundle, rt.options.transport, rt.prefix);
  }
  if (rt.options.csp) reply.header('content-security-policy', contentSecurityPolicy(nonce));
  reply.type('text/html; charset=utf-8').send(html);
}

/** Renders a 404 or an error: the author's `_404.eta`/`_error.eta` if present, else the built-in page. */
export function renderError(rt: Runtime, request: FastifyRequest, reply: FastifyReply, err: unknown, routeUrl: string): void {
  const status = (err as { statusCode?: number })?.statusCode ?? 500;
  const code = status >= 400 && status < 600 ? status : 500;
  if (code >= 500) request.log.error({ err, route: routeUrl }, 'page failed');
  reply.code(code).type('text/html; charset=utf-8');
  if (code >= 500 && rt.options.dev) {
    reply.send(devErrorHtml(err, rt.options.pagesDir, routeUrl));
    return;
  }
  const custom = rt.templates.rootTemplate(code === 404 ? '_404.eta' : '_error.eta');
  if (custom) {
    try {
      const layout = rt.templates.nearestLayout('.');
      reply.send(rt.templates.render({ template: { file: custom }, layout }, { status: code, url: request.url, base: rt.prefix, nonce: '' }));
      return;
    } catch (renderErr) {
      request.log.error({ err: renderErr }, 'error page template failed');
    }
  }
  reply.send(plainErrorHtml(code));
}
