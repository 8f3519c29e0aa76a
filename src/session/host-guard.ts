/**
 * The `Host` check (`allowedHosts`). A DNS-rebinding page makes a victim's browser send requests
 * for the attacker's name to a server on the victim's machine or network; its Host is the
 * attacker's name, so answering only known names stops it — above all in dev, whose error page
 * shows source lines. Behind a proxy with `trustProxy`, the forwarded host is the one checked.
 */
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { PB_ERR_HOST, errorBody } from '../errors.js';

/** The host name of a Host value without its port, lower-cased: `[::1]:3000` → `[::1]`. */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.indexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

/** Whether `host` is listed: exactly, or under an entry that starts with a dot (`.example.com`). */
export function hostAllowed(host: string | undefined, allowed: readonly string[]): boolean {
  if (!host) return false;
  const name = hostName(host);
  return allowed.some((entry) => {
    const e = entry.toLowerCase();
    return e.startsWith('.') ? name === e.slice(1) || name.endsWith(e) : name === e;
  });
}

/** An onRequest hook answering 403 `PB_ERR_HOST` (without echoing the host) to any request for another name. */
export function hostGuard(allowed: readonly string[]): onRequestAsyncHookHandler {
  return async (request: FastifyRequest, reply) => {
    if (hostAllowed(request.host, allowed)) return;
    request.log.warn({ url: request.url }, 'refused: Host not in allowedHosts');
    await reply.code(403).header('x-content-type-options', 'nosniff').send(errorBody(new PB_ERR_HOST()));
  };
}
