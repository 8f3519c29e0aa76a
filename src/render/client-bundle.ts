/**
 * The browser runtime as one minified file whose URL carries its content hash, so it can be cached
 * forever. The published package ships it prebuilt (`dist/runtime-client.js`, written by
 * `npm run build:lib`), so an installed app needs neither the runtime's sources nor esbuild to serve
 * it; in pagebound's own repository it is bundled from `runtime-client/` with esbuild at start-up.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CLIENT_PATH_PREFIX } from '../protocol/constants.js';

export interface ClientBundle {
  code: string;
  url: string;
  /** Integrity value for the script tag (SRI). */
  integrity: string;
}

export const CLIENT_ENTRY = fileURLToPath(new URL('../../runtime-client/index.ts', import.meta.url));
/** Beside the compiled `dist/render/` folder; absent when running from `src/`. */
export const PREBUILT_CLIENT = fileURLToPath(new URL('../runtime-client.js', import.meta.url));

/** Bundles `runtime-client/` with esbuild (loaded only here, so a production start never pays for it). */
export async function bundleClientSource(): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [CLIENT_ENTRY],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    write: false,
    legalComments: 'none',
  });
  return result.outputFiles[0]!.text;
}

let pending: Promise<ClientBundle> | undefined;

export function getClientBundle(): Promise<ClientBundle> {
  pending ??= (async () => {
    const code = existsSync(PREBUILT_CLIENT) ? await readFile(PREBUILT_CLIENT, 'utf8') : await bundleClientSource();
    const hash = createHash('sha256').update(code).digest();
    return {
      code,
      url: `${CLIENT_PATH_PREFIX}${hash.toString('hex').slice(0, 12)}.js`,
      integrity: `sha256-${hash.toString('base64')}`,
    };
  })();
  pending.catch(() => { pending = undefined; });
  return pending;
}
