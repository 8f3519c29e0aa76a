/**
 * The browser session: a random id in a signed, HttpOnly, SameSite=Lax cookie. A page instance
 * belongs to the session that rendered it, and a connection may attach to it only with that cookie.
 */
import type { FastifyReply, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import { nanoid } from 'nanoid';
import type {} from '@fastify/cookie';
import { SESSION_COOKIE } from '../protocol/constants.js';
import { PB_ERR_ORIGIN, errorBody } from '../errors.js';

/** The session id from a valid signed cookie, or undefined. */
export function readSession(request: FastifyRequest): string | undefined {
  const raw = request.cookies?.[SESSION_COOKIE];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : undefined;
}

/** The request's session id, creating the cookie on first visit. */
export function ensureSession(request: FastifyRequest, reply: FastifyReply): string {
  const existing = readSession(request);
  if (existing) return existing;
  const id = nanoid();
  reply.setCookie(SESSION_COOKIE, id, {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: request.protocol === 'https',
  });
  // Later reads within this request (and the cookie header of the response) agree on the id.
  (request.cookies as Record<string, string>)[SESSION_COOKIE] = reply.signCookie(id);
  return id;
}

/**
 * Cross-site WebSocket hijacking and CSRF on the live endpoints are stopped here: the Origin must
 * be this site's own, or listed in `allowedOrigins`. A request with no Origin comes from a
 * non-browser client, which cannot ride a victim's cookies, so it is let through to the cookie check.
 */
export function originAllowed(request: FastifyRequest, allowed: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  return origin === `${request.protocol}://${request.host}`;
}

/** The preValidation hook every live endpoint uses: a foreign Origin is answered 403 `PB_ERR_ORIGIN`. */
export function originGuard(allowed: readonly string[]): preValidationAsyncHookHandler {
  return async (request, reply) => {
    if (originAllowed(request, allowed)) return;
    request.log.warn({ origin: request.headers.origin, url: request.url }, 'refused: foreign origin');
    await reply.code(403).send(errorBody(new PB_ERR_ORIGIN()));
  };
}
