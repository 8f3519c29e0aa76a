/**
 * `pagebound dev | start | build`. Options flow from one place: `pagebound.config.ts`, then the
 * environment, then flags (cli/settings.ts lists them). dev serves the pages folder, loading
 * TypeScript on the fly; build compiles it (cli/build-pages.ts) and checks every route, module and
 * template; start runs that build with plain Node (or, with no build, the sources through tsx).
 */
import path from 'node:path';
import { createServer } from './server.js';
import { drainThenClose } from './drain.js';
import { parseClusterArgs, runCluster } from './cluster.js';
import { ModuleLoader } from './page/module-loader.js';
import { Templates } from './render/templates.js';
import { TemplateListItems } from './render/list-items.js';
import { getClientBundle } from './render/client-bundle.js';
import { isDefinedPage } from './page/define-page.js';
import { scanPages } from './routing/scan-pages.js';
import type { PageboundConfig } from './config.js';
import { fromEnv, fromFlags } from './cli/settings.js';
import { findConfig, loadConfig } from './cli/load-config.js';
import { buildPages, changedSince, readManifest, DEFAULT_OUT_DIR } from './cli/build-pages.js';

import { typesCommand, watchRouteTypes } from './routing/route-types.js';

const USAGE = `Usage: pagebound <dev|start|build|types|cluster> [options]
  dev     serve pages/ with reload on change and detailed error pages
  build   compile pages/ (and pagebound.config.ts) to ${DEFAULT_OUT_DIR}/ and check every route,
          module and template
  start   serve the build with plain Node, for production (NODE_ENV=production)
  types   write each page's ./$types module (route parameters from its file name)
  cluster redis-server, N nodes and haproxy on this machine [--workers N] [--port 8080] [--node-port 3001]

Options (also in pagebound.config.ts, or the environment; flags win over both):
  --port N        PORT                    port to listen on (3000)
  --host H        HOST                    interface (dev 127.0.0.1, start 0.0.0.0)
  --pages DIR     PAGEBOUND_PAGES_DIR     pages folder (pages)
  --public DIR    PAGEBOUND_PUBLIC_DIR    static files (public), or false
  --trust-proxy   PAGEBOUND_TRUST_PROXY   trust X-Forwarded-* from a proxy in front
  --metrics PATH  PAGEBOUND_METRICS       Prometheus metrics (true: /_pagebound/metrics)
                  PAGEBOUND_SECRET        session cookie secret (16+ characters)
  --config FILE   the config file (pagebound.config.ts in this folder)
  --out DIR       the build folder (${DEFAULT_OUT_DIR})
Every option in the README's table has a variable PAGEBOUND_<NAME> (PAGEBOUND_RETAIN_MS=60000).`;

interface Resolved { config: PageboundConfig; pagesDir: string; compiled: boolean }

/** The options for `command`, from the config file, the environment and the flags, in that order. */
async function resolve(command: string, args: string[]): Promise<Resolved & { outDir: string; configFile?: string }> {
  const flags = fromFlags(args);
  const env = fromEnv(process.env);
  const outDir = path.resolve(flags.command['--out'] ?? DEFAULT_OUT_DIR);
  const manifest = command === 'start' ? await readManifest(outDir) : undefined;
  const explicit = flags.command['--config'] && path.resolve(flags.command['--config']);
  // A build carries its own compiled config, so start loads no TypeScript for it.
  const configFile = explicit || (manifest ? (manifest.config ? path.join(outDir, manifest.config) : undefined) : findConfig(process.cwd()));
  const file = configFile ? await loadConfig(configFile) : {};
  const config: PageboundConfig = { ...file, ...env, ...flags.options };
  const source = path.resolve(config.pagesDir ?? 'pages');
  if (manifest && manifest.source === source) {
    return { config, pagesDir: path.join(outDir, manifest.pages), compiled: true, outDir, configFile: configFile || undefined };
  }
  return { config, pagesDir: source, compiled: false, outDir, configFile: configFile || undefined };
}

async function serve(dev: boolean, args: string[]): Promise<void> {
  if (!dev) process.env.NODE_ENV ??= 'production';
  const { config, pagesDir, compiled } = await resolve(dev ? 'dev' : 'start', args);
  const { port = 3000, host = dev ? '127.0.0.1' : '0.0.0.0', ...options } = config;
  if (dev) {
    // Route parameter types: written now and again whenever a page file is added or removed.
    await types(pagesDir);
    watchRouteTypes(pagesDir, (err) => console.error(`pagebound types: ${(err as Error).message}`));
  }
  const app = await createServer({ ...options, dev, pagesDir });
  if (!dev && !compiled) app.log.warn('no build for these pages: loading TypeScript on the fly; run `pagebound build` first');
  if (compiled) {
    const manifest = (await readManifest(path.dirname(pagesDir)))!;
    const stale = await changedSince(manifest);
    if (stale.length > 0) app.log.warn({ files: stale.slice(0, 5) }, 'pages changed since `pagebound build`: this runs the old build');
  }
  const address = await app.listen({ port, host });
  const shown = path.relative(process.cwd(), pagesDir) || '.';
  const rows = app.pagebound.router.routes.map((r) => `  ${r.kind === 'page' ? 'page  ' : 'socket'} ${r.url.padEnd(24)} ${shown}/${r.file}`);
  console.log(`\npagebound ${dev ? 'dev' : 'start'}: ${address.replace('127.0.0.1', 'localhost')}\n\nRoutes:\n${rows.join('\n')}\n`);
  app.pagebound.dev?.onRouteChanges((lines) => console.log(`\nRoutes changed:\n${lines.join('\n')}\n`));
  process.once('SIGINT', () => {
    void app.close().then(() => process.exit(0));
  });
  // SIGTERM is how a deploy or a balancer's orchestrator stops a node: leave gracefully (src/drain.ts).
  process.once('SIGTERM', () => {
    void drainThenClose(app).then((code) => process.exit(code));
  });
}

/** `pagebound types`: each page's ./$types module, from its file name (src/routing/route-types.ts). */
async function types(pagesDir: string, ifPresent = false): Promise<void> {
  for (const line of await typesCommand(pagesDir, { ifPresent })) console.log(line);
}

async function build(args: string[]): Promise<void> {
  const { pagesDir, outDir, configFile } = await resolve('build', args);
  await types(pagesDir);
  await buildPages({ pagesDir, outDir, configFile });
  const compiledPages = path.join(outDir, 'pages');
  // Loading the output with plain Node proves it runs as `start` will, `import 'pagebound'` included.
  const loader = new ModuleLoader(compiledPages, { native: true });
  const templates = new Templates(compiledPages, false);
  for (const route of await scanPages(compiledPages)) {
    const def = await loader.load(route.file);
    if (isDefinedPage(def)) {
      // Compiling catches template syntax errors, named by file:line:column, without needing data.
      templates.check(templates.choose(route.file, def));
      if (def.lists) new TemplateListItems(templates, route.file, def.lists).check();
    }
    console.log(`ok  ${route.kind.padEnd(6)} ${route.url}`);
  }
  const bundle = await getClientBundle();
  console.log(`client ${bundle.url} ${bundle.code.length} bytes`);
  console.log(`built ${path.relative(process.cwd(), pagesDir) || '.'} to ${path.relative(process.cwd(), outDir)}: run \`pagebound start\``);
}

const [command, ...args] = process.argv.slice(2);
try {
  if (command === 'dev') await serve(true, args);
  else if (command === 'start') await serve(false, args);
  else if (command === 'build') await build(args);
  else if (command === 'cluster') process.exit(await runCluster(parseClusterArgs(args)));
  else if (command === 'types') {
    const { pagesDir } = await resolve('build', args.filter((a) => a !== '--if-present'));
    await types(pagesDir, args.includes('--if-present'));
  }
  else {
    console.error(USAGE);
    process.exitCode = command && command !== '--help' ? 1 : 0;
  }
} catch (err) {
  const e = err as { code?: string; message?: string };
  console.error(`pagebound ${command}: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`);
  process.exitCode = 1;
}
