/**
 * The dev-only browser bundle: the error overlay and the in-place updates (with idiomorph). It is
 * built and served by `pagebound dev` only, so the production runtime stays within its size budget.
 */
import { fileURLToPath } from 'node:url';
import { buildBundle, type ClientBundle } from '../render/client-bundle.js';
import { BASE_PATH } from '../protocol/constants.js';

export const DEV_ENTRY = fileURLToPath(new URL('../../runtime-client/dev/index.ts', import.meta.url));

let pending: Promise<ClientBundle> | undefined;

export function getDevBundle(): Promise<ClientBundle> {
  pending ??= buildBundle(DEV_ENTRY, `${BASE_PATH}/dev.`);
  pending.catch(() => { pending = undefined; });
  return pending;
}
