/**
 * CSRF protection for page handlers of POST, PUT, PATCH and DELETE: the browser says where a request
 * comes from (Fetch Metadata's `Sec-Fetch-Site`, and `Origin`), and a request another site started is
 * refused before its body is read. This stops a page on another origin — a sibling subdomain
 * included — from submitting a form or a fetch to a page handler with the user's cookies. It needs
 * no token in the forms. It does not stop requests from this site's own pages (an XSS is already
 * in), nor non-browser clients, which cannot ride a user's cookies anyway; a browser that sends
 * neither header is let through, as the SameSite=Lax session cookie is not sent cross-site on a POST.
 */
import type { FastifyRequest } from 'fastify';

export function crossSite(request: FastifyRequest, allowedOrigins: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin !== undefined && allowedOrigins.includes(origin)) return false;
  const site = request.headers['sec-fetch-site'];
  // 'none' is the user's own action (typed URL, bookmark); 'same-site' is a sibling subdomain, refused.
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  if (origin === undefined) return false;
  return origin !== `${request.protocol}://${request.host}`;
}
