/**
 * Puts the boot block and the runtime script into a rendered page, at the end of `<head>`. The
 * script is not deferred on purpose: authors' inline scripts in the body use
 * `document.serverSocket`, so it must exist before they run.
 */
import { BASE_PATH, BOOT_ELEMENT_ID, PROTOCOL_VERSION } from '../protocol/constants.js';
import type { ClientBundle } from './client-bundle.js';

const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** `pagebound dev` only: what the page's dev connection is for. */
export interface DevInjection {
  /** The dev bundle; it goes in just before the runtime, which hands it the page's socket. */
  bundle: ClientBundle;
  /**
   * The page is not live: its instance exists only so dev updates reach the tab, and the page
   * gets no `document.serverSocket`, as in production.
   */
  watchOnly?: boolean;
}

/** `pageId` is absent for a page that only loads the runtime (for `new ServerSocket(path)`). */
export function injectClient(
  html: string, pageId: string | undefined, nonce: string, bundle: ClientBundle, transport: 'auto' | 'ws' | 'http' = 'auto',
  dev?: DevInjection,
  /** The plugin's prefix (`/app`): the runtime's endpoints and its script sit under it. */
  prefix = '',
): string {
  const devBundle = dev?.bundle;
  // `<` is escaped so no value can close the script element early.
  const boot = JSON.stringify({
    ...(pageId ? { id: pageId } : {}), v: PROTOCOL_VERSION, base: prefix + BASE_PATH, ...(transport !== 'auto' ? { transport } : {}),
    ...(devBundle ? { dev: true } : {}), ...(dev?.watchOnly ? { watchOnly: true } : {}),
  }).replace(/</g, '\\u003c');
  const script = (b: ClientBundle) => `<script nonce="${attr(nonce)}" src="${prefix}${b.url}" integrity="${b.integrity}"></script>`;
  const tags =
    `<script type="application/json" id="${BOOT_ELEMENT_ID}">${boot}</script>` + (devBundle ? script(devBundle) : '') + script(bundle);
  // The common spelling first: a scan of the whole page with a case-insensitive pattern costs more.
  const exact = html.indexOf('</head>');
  const head = exact !== -1 ? exact : html.search(/<\/head\s*>/i);
  if (head !== -1) return html.slice(0, head) + tags + html.slice(head);
  const body = html.search(/<body[\s>]/i);
  if (body !== -1) return html.slice(0, body) + tags + html.slice(body);
  return tags + html;
}
