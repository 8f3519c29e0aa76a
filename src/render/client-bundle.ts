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

/** The esbuild settings of every browser bundle (the runtime, the dev bundle, the prebuilt one). */
export const BROWSER_BUILD = {
  bundle: true,
  minify: true,
  format: 'iife',
  // es2022 keeps #private fields native; lowering them to WeakMaps cost ~10% of the bundle.
  target: 'es2022',
  write: false,
  legalComments: 'none',
} as const;

/** Bundles a browser entry with esbuild (loaded only here, so a production start never pays for it). */
export async function bundleSource(entry: string): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({ entryPoints: [entry], ...BROWSER_BUILD });
  return result.outputFiles[0]!.text;
}

/** A bundle's code with its content-hashed URL under `prefix` and its SRI value. */
export function addressed(code: string, prefix: string): ClientBundle {
  const hash = createHash('sha256').update(code).digest();
  return {
    code,
    url: `${prefix}${hash.toString('hex').slice(0, 12)}.js`,
    integrity: `sha256-${hash.toString('base64')}`,
  };
}

let pending: Promise<ClientBundle> | undefined;

export function getClientBundle(): Promise<ClientBundle> {
  pending ??= (async () => {
    const code = existsSync(PREBUILT_CLIENT) ? await readFile(PREBUILT_CLIENT, 'utf8') : await bundleSource(CLIENT_ENTRY);
    return addressed(code, CLIENT_PATH_PREFIX);
  })();
  pending.catch(() => { pending = undefined; });
  return pending;
}
