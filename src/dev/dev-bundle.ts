/**
 * The dev-only browser bundle: the error overlay and the in-place updates (with idiomorph). It is
 * built and served by `pagebound dev` only, so the production runtime stays within its size budget.
 * The published package ships it prebuilt (`dist/runtime-client-dev.js`, by `npm run build:lib`),
 * since an installed app has neither the runtime's sources nor the need to bundle them.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { addressed, bundleSource, type ClientBundle } from '../render/client-bundle.js';
import { BASE_PATH } from '../protocol/constants.js';

export const DEV_ENTRY = fileURLToPath(new URL('../../runtime-client/dev/index.ts', import.meta.url));
/** Beside the compiled `dist/dev/` folder; absent when running from `src/`. */
export const PREBUILT_DEV = fileURLToPath(new URL('../runtime-client-dev.js', import.meta.url));

let pending: Promise<ClientBundle> | undefined;

export function getDevBundle(): Promise<ClientBundle> {
  pending ??= (async () => {
    const code = existsSync(PREBUILT_DEV) ? await readFile(PREBUILT_DEV, 'utf8') : await bundleSource(DEV_ENTRY);
    return addressed(code, `${BASE_PATH}/dev.`);
  })();
  pending.catch(() => { pending = undefined; });
  return pending;
}
