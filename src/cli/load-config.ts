/**
 * Finds and loads `pagebound.config.ts` (or `.mts`, `.js`, `.mjs`). TypeScript goes through tsx,
 * loaded only then; a compiled config (`pagebound build` writes one) loads with plain Node.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PageboundConfig } from '../config.js';
import { PB_ERR_CONFIG } from '../errors.js';
import { checkConfigFile } from './settings.js';

export const CONFIG_NAMES = ['pagebound.config.ts', 'pagebound.config.mts', 'pagebound.config.js', 'pagebound.config.mjs'];

/** The config file in `dir`, or undefined. */
export function findConfig(dir: string): string | undefined {
  return CONFIG_NAMES.map((name) => path.join(dir, name)).find((file) => existsSync(file));
}

export async function loadConfig(file: string): Promise<PageboundConfig> {
  if (!existsSync(file)) throw new PB_ERR_CONFIG(`the config file ${path.basename(file)} does not exist`);
  const url = pathToFileURL(file).href;
  let mod: { default?: unknown };
  if (/\.m?ts$/.test(file)) {
    const { register } = await import('tsx/esm/api');
    const ns = register({ namespace: `pagebound-config-${process.pid}` });
    try {
      mod = await ns.import(url, import.meta.url);
    } finally {
      await ns.unregister();
    }
  } else {
    mod = await import(url);
  }
  return checkConfigFile(mod.default, path.basename(file));
}
