/**
 * Puts the boot block and the runtime script into a rendered page, at the end of `<head>`. The
 * script is not deferred on purpose: authors' inline scripts in the body use
 * `document.serverSocket`, so it must exist before they run.
 */
import { BASE_PATH, BOOT_ELEMENT_ID, PROTOCOL_VERSION } from '../protocol/constants.js';
import type { ClientBundle } from './client-bundle.js';

const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** `pageId` is absent for a page that only loads the runtime (for `new ServerSocket(path)`). */
export function injectClient(
  html: string, pageId: string | undefined, nonce: string, bundle: ClientBundle, transport: 'auto' | 'ws' | 'http' = 'auto',
  /** The plugin's prefix (`/app`): the runtime's endpoints and its script sit under it. */
  prefix = '',
): string {
  // `<` is escaped so no value can close the script element early.
  const boot = JSON.stringify({
    ...(pageId ? { id: pageId } : {}), v: PROTOCOL_VERSION, base: prefix + BASE_PATH, ...(transport !== 'auto' ? { transport } : {}),
  }).replace(/</g, '\\u003c');
  const tags =
    `<script type="application/json" id="${BOOT_ELEMENT_ID}">${boot}</script>` +
    `<script nonce="${attr(nonce)}" src="${prefix}${bundle.url}" integrity="${bundle.integrity}"></script>`;
  const head = html.search(/<\/head\s*>/i);
  if (head !== -1) return html.slice(0, head) + tags + html.slice(head);
  const body = html.search(/<body[\s>]/i);
  if (body !== -1) return html.slice(0, body) + tags + html.slice(body);
  return tags + html;
}
