/**
 * Headers every HTML answer of pagebound carries — pages, 404s, 405s, error pages — and the check
 * that no header a page set can split the response. Node refuses a CR or LF in a header only when
 * the response is written, too late for anything but a broken 500; checking first lets the
 * request go to the error page instead.
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { FastifyReply } from 'fastify';
import { nanoid } from 'nanoid';

export function contentSecurityPolicy(nonce: string): string {
  return `script-src 'self' 'nonce-${nonce}'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'`;
}

/** Sets the CSP (when on) and `nosniff`. An error page gets a nonce of its own: its template may have scripts. */
export function setSecurityHeaders(reply: FastifyReply, csp: boolean, nonce: string = nanoid(22)): string {
  if (csp) reply.header('content-security-policy', contentSecurityPolicy(nonce));
  reply.header('x-content-type-options', 'nosniff');
  return nonce;
}

/** Whether a header name and value could be written as they are. */
export function headerValid(name: string, value: unknown): boolean {
  try {
    validateHeaderName(name);
    for (const v of Array.isArray(value) ? value : [value]) validateHeaderValue(name, typeof v === 'number' ? String(v) : v);
    return true;
  } catch {
    return false;
  }
}

/** Removes every header that could not be written; true when there was one. */
export function dropInvalidHeaders(reply: FastifyReply): boolean {
  let dropped = false;
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (headerValid(name, value)) continue;
    reply.removeHeader(name);
    dropped = true;
  }
  return dropped;
}
