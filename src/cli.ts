/**
 * `pagebound dev | start | build`. dev and start serve the pages folder; build checks it (routes,
 * page modules, templates) and fails on the first problem, for CI.
 */
import path from 'node:path';
import { createServer } from './server.js';
import { scanPages } from './routing/scan-pages.js';
import { ModuleLoader } from './page/module-loader.js';
import { Templates } from './render/templates.js';
import { getClientBundle } from './render/client-bundle.js';
import { isDefinedPage } from './page/define-page.js';
import { typesCommand, watchRouteTypes } from './routing/route-types.js';

const USAGE = `Usage: pagebound <dev|start|build|types> [--pages DIR] [--public DIR]
  dev     serve with reload on change and detailed error pages (PORT, HOST)
  start   serve for production (NODE_ENV=production)
  build   check routes, page modules and templates; bundle the client
  types   write each page's ./$types module (route parameters from its file name)`;

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function serve(dev: boolean, args: string[]): Promise<void> {
  if (!dev) process.env.NODE_ENV ??= 'production';
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? (dev ? '127.0.0.1' : '0.0.0.0');
  if (dev) {
    // Route parameter types: written now and again whenever a page file is added or removed.
    const pagesDir = path.resolve(argValue(args, '--pages') ?? 'pages');
    await types(args);
    watchRouteTypes(pagesDir, (err) => console.error(`pagebound types: ${(err as Error).message}`));
  }
  const app = await createServer({
    dev,
    pagesDir: argValue(args, '--pages') ?? 'pages',
    publicDir: argValue(args, '--public') ?? 'public',
  });
  const address = await app.listen({ port, host });
  const rows = app.pagebound.router.routes.map((r) => `  ${r.kind === 'page' ? 'page  ' : 'socket'} ${r.url.padEnd(24)} pages/${r.file}`);
  console.log(`\npagebound ${dev ? 'dev' : 'start'}: ${address.replace('127.0.0.1', 'localhost')}\n\nRoutes:\n${rows.join('\n')}\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void app.close().then(() => process.exit(0));
    });
  }
}

async function types(args: string[]): Promise<void> {
  const pagesDir = path.resolve(argValue(args, '--pages') ?? 'pages');
  for (const line of await typesCommand(pagesDir, { ifPresent: args.includes('--if-present') })) console.log(line);
}

async function check(args: string[]): Promise<void> {
  await types(args);
  const pagesDir = path.resolve(argValue(args, '--pages') ?? 'pages');
  const routes = await scanPages(pagesDir);
  const loader = new ModuleLoader(pagesDir);
  const templates = new Templates(pagesDir, false);
  for (const route of routes) {
    const def = await loader.load(route.file);
    if (isDefinedPage(def)) {
      const choice = templates.choose(route.file, def);
      // Compiling catches template syntax errors without needing data.
      if ('file' in choice.template) templates.eta.compile(templates.eta.readFile(path.join(pagesDir, choice.template.file)));
      else templates.eta.compile(choice.template.inline);
    }
    console.log(`ok  ${route.kind.padEnd(6)} ${route.url}`);
  }
  const bundle = await getClientBundle();
  console.log(`client ${bundle.url} ${bundle.code.length} bytes`);
}

const [command, ...args] = process.argv.slice(2);
try {
  if (command === 'dev') await serve(true, args);
  else if (command === 'start') await serve(false, args);
  else if (command === 'build') await check(args);
  else if (command === 'types') await types(args);
  else {
    console.error(USAGE);
    process.exitCode = command ? 1 : 0;
  }
} catch (err) {
  const e = err as { code?: string; message?: string };
  console.error(`pagebound ${command}: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`);
  process.exitCode = 1;
}
