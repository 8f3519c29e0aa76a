// `npm run build:lib` (and `prepack`): compiles src/ to dist/ with its declarations, then writes the
// browser runtime prebuilt beside it, so the published package runs with plain Node.
import { spawnSync } from 'node:child_process';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);

// tsc copies no .mjs: the dev loop's module hooks load from beside the compiled loader.
copyFileSync(new URL('../src/page/module-hooks.mjs', import.meta.url), new URL('../dist/page/module-hooks.mjs', import.meta.url));

const { bundleSource, CLIENT_ENTRY, PREBUILT_CLIENT } = await import('../dist/render/client-bundle.js');
const { DEV_ENTRY, PREBUILT_DEV } = await import('../dist/dev/dev-bundle.js');
const code = await bundleSource(CLIENT_ENTRY);
writeFileSync(PREBUILT_CLIENT, code);
const dev = await bundleSource(DEV_ENTRY);
writeFileSync(PREBUILT_DEV, dev);
console.error(`build:lib: dist/ compiled, runtime client ${code.length} bytes, dev bundle ${dev.length} bytes`);
