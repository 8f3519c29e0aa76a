/**
 * One-shot flash messages across a redirect: `ctx.flash('Saved')` before `ctx.redirect(...)` puts
 * the message in a signed, HttpOnly cookie; the next page rendered for that browser gets it as
 * `it.flash` (and `ctx.flashed`) and the cookie is cleared, so a reload does not show it again.
 * A live page's handler calls `page.flash()` instead (src/page/page-instance.ts): the message rides
 * in that task's redraw as the same `it.flash`. Signed, so another site (or a sibling subdomain setting cookies) cannot plant a message.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import { PB_ERR_FLASH_TOO_LARGE } from '../errors.js';

export const FLASH_COOKIE = 'pb_flash';
const MAX_FLASH = 1024;

const cookieOptions = (request: FastifyRequest, path: string) =>
  ({ path, httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https' }) as const;

/**
 * A message as it may be shown: text, at most 1024 characters (a cookie carries it across a
 * redirect; `page.flash()` keeps to the same bound so the two are one feature).
 */
export function flashText(message: unknown): string {
  const text = String(message);
  if (text.length > MAX_FLASH) throw new PB_ERR_FLASH_TOO_LARGE();
  return text;
}

/** Replies that left a new message, which the same render must not clear. */
const leftNew = new WeakSet<FastifyReply>();

/** Sets the message the next render shows. */
export function setFlash(request: FastifyRequest, reply: FastifyReply, message: string, path: string): void {
  const text = flashText(message);
  leftNew.add(reply);
  reply.setCookie(FLASH_COOKIE, text, { ...cookieOptions(request, path), signed: true, maxAge: 300 });
}

/** The message left by the previous request, if any (signature checked). */
export function readFlash(request: FastifyRequest): string | undefined {
  const raw = request.cookies?.[FLASH_COOKIE];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : undefined;
}

/** Clears the cookie once the message was shown (unless this request left a new one). */
export function clearFlash(request: FastifyRequest, reply: FastifyReply, path: string): void {
  if (leftNew.has(reply)) return;
  reply.clearCookie(FLASH_COOKIE, cookieOptions(request, path));
}
