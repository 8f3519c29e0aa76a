/**
 * The browser runtime, bundled once per process with esbuild into one minified file whose URL
 * carries its content hash, so it can be cached forever.
 */
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CLIENT_PATH_PREFIX } from '../protocol/constants.js';

export interface ClientBundle {
  code: string;
  url: string;
  /** Integrity value for the script tag (SRI). */
  integrity: string;
}

export const CLIENT_ENTRY = fileURLToPath(new URL('../../runtime-client/index.ts', import.meta.url));

let pending: Promise<ClientBundle> | undefined;

export function getClientBundle(): Promise<ClientBundle> {
  pending ??= buildBundle(CLIENT_ENTRY, CLIENT_PATH_PREFIX);
  pending.catch(() => { pending = undefined; });
  return pending;
}

/** Bundles the browser entry `entry` into one minified file served under `${prefix}<hash>.js`. */
export async function buildBundle(entry: string, prefix: string): Promise<ClientBundle> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'iife',
    // es2022 keeps #private fields native; lowering them to WeakMaps cost ~10% of the bundle.
    target: 'es2022',
    write: false,
    legalComments: 'none',
  });
  const code = result.outputFiles[0]!.text;
  const hash = createHash('sha256').update(code).digest();
  return {
    code,
    url: `${prefix}${hash.toString('hex').slice(0, 12)}.js`,
    integrity: `sha256-${hash.toString('base64')}`,
  };
}
