/**
 * `pagebound build`: compiles the app's page and socket modules (and the helpers they import, and
 * `pagebound.config.ts`) to plain ESM JavaScript with esbuild, copies templates and other files
 * beside them, and writes a manifest that `pagebound start` runs with plain Node.
 *
 * Each page module is an entry point; helpers are bundled in, and a helper shared by several pages
 * goes to one shared chunk (`_chunks/`, never routed), so module state such as an in-memory store
 * stays one instance as it was in dev. Packages (`pagebound`, anything in node_modules) stay imports,
 * resolved at run time from the app's node_modules, as the output sits inside the app's folder.
 */
import { copyFile, mkdir, rm, writeFile, readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { listFiles } from '../routing/scan-pages.js';
import { buildRouteTable, routeKindOf } from '../routing/route-table.js';

export const DEFAULT_OUT_DIR = '.pagebound/build';
const MANIFEST = 'manifest.json';

export interface BuildManifest {
  version: 1;
  /** The pages folder that was compiled, absolute. */
  source: string;
  /** The compiled pages folder, relative to the build folder. */
  pages: string;
  /** The compiled config file, relative to the build folder, if the app has one. */
  config: string | null;
  builtAt: number;
}

const TS = /\.(m|c)?tsx?$/;

export async function buildPages(opts: { pagesDir: string; outDir: string; configFile?: string }): Promise<BuildManifest> {
  const { build } = await import('esbuild');
  const files = await listFiles(opts.pagesDir);
  // Stops on a route conflict or a bad file name before writing anything.
  buildRouteTable(files);
  const modules = files.filter((f) => routeKindOf(f) !== null);

  await rm(opts.outDir, { recursive: true, force: true });
  const pagesOut = path.join(opts.outDir, 'pages');
  const common = {
    bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', sourcemap: 'linked',
    logLevel: 'silent', legalComments: 'none',
    // .mjs: ESM whatever the app's package.json says, with no package.json of its own in the build
    // folder, which would hide the app's (and so `import 'pagebound'`) from the compiled pages.
    outExtension: { '.js': '.mjs' },
  } as const;
  if (modules.length > 0) {
    await build({
      ...common,
      entryPoints: modules.map((f) => path.join(opts.pagesDir, f)),
      outbase: opts.pagesDir,
      outdir: pagesOut,
      splitting: true,
      entryNames: '[dir]/[name]',
      chunkNames: '_chunks/[name]-[hash]',
    });
  }
  // Templates, layouts and any other file the pages read stay where the pages expect them.
  for (const file of files) {
    if (TS.test(file) || routeKindOf(file) !== null) continue;
    const target = path.join(pagesOut, file);
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(path.join(opts.pagesDir, file), target);
  }
  let config: string | null = null;
  if (opts.configFile) {
    config = 'pagebound.config.mjs';
    await build({ ...common, entryPoints: [opts.configFile], outfile: path.join(opts.outDir, config) });
  }
  const manifest: BuildManifest = { version: 1, source: opts.pagesDir, pages: 'pages', config, builtAt: Date.now() };
  await mkdir(opts.outDir, { recursive: true });
  await writeFile(path.join(opts.outDir, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

export async function readManifest(outDir: string): Promise<BuildManifest | undefined> {
  const file = path.join(outDir, MANIFEST);
  if (!existsSync(file)) return undefined;
  const manifest = JSON.parse(await readFile(file, 'utf8')) as BuildManifest;
  return manifest.version === 1 ? manifest : undefined;
}

/** Source files changed since the build, so `start` can say the build is stale. */
export async function changedSince(manifest: BuildManifest): Promise<string[]> {
  if (!existsSync(manifest.source)) return [];
  const changed: string[] = [];
  for (const file of await listFiles(manifest.source)) {
    if ((await stat(path.join(manifest.source, file))).mtimeMs > manifest.builtAt) changed.push(file);
  }
  return changed;
}
