/**
 * The check behind `ctx.redirect()`: where a browser would really go, decided the way the browser
 * decides it. The target is parsed with the WHATWG URL parser against this request's own origin,
 * so every trick that turns a "path" into another host is judged as the browser will judge it:
 * `//evil.example`, `/\evil.example` and `\\evil.example` (a backslash is a slash in http(s)
 * URLs). A control character anywhere — `java\tscript:` relies on the parser removing tabs and
 * newlines (WHATWG URL §4.1) — is refused before parsing.
 */
import { PB_ERR_HEADER_INVALID, PB_ERR_REDIRECT_HOST, PB_ERR_REDIRECT_SCHEME } from '../errors.js';

/** C0 controls and DEL. */
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The Location value to send for `target`, or a typed error. Same-origin targets come back as a
 * path (normalised, so what is sent is what was checked); other hosts only with `allowOtherHost`.
 */
export function redirectLocation(target: string, ownOrigin: string, allowOtherHost: boolean): string {
  if (typeof target !== 'string') throw new PB_ERR_REDIRECT_SCHEME();
  // The URL parser would quietly drop a CR/LF/tab; a target carrying one is an injection attempt
  // (or a bug) and is refused outright rather than repaired.
  if (CONTROL.test(target)) throw new PB_ERR_HEADER_INVALID();
  // Normalised (`http://h:80` is `http://h`); a Host that is no host at all still lets a path resolve.
  let own: string;
  try {
    own = new URL(ownOrigin + '/').origin;
  } catch {
    own = 'http://unknown-host.invalid';
  }
  let url: URL;
  try {
    url = new URL(target, own + '/');
  } catch {
    throw new PB_ERR_REDIRECT_SCHEME();
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PB_ERR_REDIRECT_SCHEME();
  // A path that starts with `//` would be read as a host by the browser: send it with one slash.
  if (url.origin === own) return '/' + url.pathname.replace(/^\/+/, '') + url.search + url.hash;
  if (!allowOtherHost) throw new PB_ERR_REDIRECT_HOST();
  // href is percent-encoded: no CR, LF or space can reach the header.
  return url.href;
}
