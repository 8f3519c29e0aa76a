/**
 * The request side of a page: route match → page module → instance → method handler → template →
 * injected client. The instance it creates is kept only when the render left it live.
 */
import { nanoid } from 'nanoid';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../runtime.js';
import type { RouteMatch } from '../routing/page-router.js';
import { isDefinedPage, isRedirect, makeRedirect, type RequestContext } from '../page/define-page.js';
import { createInstance } from '../page/create-instance.js';
import { ensureSession } from '../session/session.js';
import { injectClient } from './inject-client.js';
import { devErrorHtml, plainErrorHtml } from './error-page.js';
import { PB_ERR_METHOD_NOT_ALLOWED, PB_ERR_NOT_FOUND } from '../errors.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];

function contentSecurityPolicy(nonce: string): string {
  return `script-src 'self' 'nonce-${nonce}'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'`;
}

function makeContext(request: FastifyRequest, reply: FastifyReply, params: Record<string, string>, nonce: string): RequestContext {
  const body = request.body;
  return {
    params,
    query: (request.query ?? {}) as Record<string, string | string[]>,
    headers: request.headers,
    cookies: request.cookies ?? {},
    body: typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined,
    method: request.method,
    url: request.url,
    nonce,
    status: (code) => void reply.code(code),
    header: (name, value) => void reply.header(name, value),
    redirect: (url, code = 303) => makeRedirect(url, code),
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
  const ctx = makeContext(request, reply, params, nonce);
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
    html = rt.templates.render(choice, { params, query: ctx.query, url: request.url, ...(result ?? {}), nonce });
  } catch (err) {
    await instance.close('render-failed');
    throw err;
  }

  // A HEAD request gets the page's headers but no instance: nobody will connect to it.
  if (instance.isLive && verb !== 'head') {
    instance.sessionId = ensureSession(request, reply);
    await rt.registry.admit(instance);
    html = injectClient(html, instance.id, nonce, rt.bundle, rt.options.transport);
    // Each render is its own instance, so a cached copy would point at a dead one.
    reply.header('cache-control', 'no-store');
  } else {
    if (instance.isLive) await instance.close('head');
    if (def.client) html = injectClient(html, undefined, nonce, rt.bundle, rt.options.transport);
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
      reply.send(rt.templates.render({ template: { file: custom }, layout }, { status: code, url: request.url, nonce: '' }));
      return;
    } catch (renderErr) {
      request.log.error({ err: renderErr }, 'error page template failed');
    }
  }
  reply.send(plainErrorHtml(code));
}
