#!/usr/bin/env node
// `npm create pagebound@latest my-app`: writes a small pagebound app (a layout, a live page, a
// test) into my-app/. `--pagebound <spec>` sets the pagebound dependency (a version range, or a
// file: tarball), which the repository's CI uses to install the packed package.
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const own = JSON.parse(readFileSync(path.join(here, 'package.json'), 'utf8'));

const args = process.argv.slice(2);
let target;
let pageboundSpec = `^${own.version}`;
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--pagebound') pageboundSpec = args[++i];
  else if (arg.startsWith('--pagebound=')) pageboundSpec = arg.slice('--pagebound='.length);
  else if (arg === '--help' || arg === '-h') {
    console.log('Usage: npm create pagebound@latest <folder> [-- --pagebound <version or file: tarball>]');
    process.exit(0);
  } else if (!arg.startsWith('-') && target === undefined) target = arg;
  else {
    console.error(`create-pagebound: unknown argument ${arg.startsWith('-') ? arg : ''}`.trim());
    process.exit(1);
  }
}
target ??= 'my-app';
if (!pageboundSpec) {
  console.error('create-pagebound: --pagebound needs a version or a file: tarball');
  process.exit(1);
}

const dir = path.resolve(target);
const name = path.basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+|-+$/g, '') || 'pagebound-app';
if (existsSync(dir) && readdirSync(dir).length > 0) {
  console.error(`create-pagebound: ${target} exists and is not empty; choose another folder`);
  process.exit(1);
}

cpSync(path.join(here, 'template'), dir, { recursive: true });
// npm leaves .gitignore out of published packages, so the template carries it as _gitignore.
renameSync(path.join(dir, '_gitignore'), path.join(dir, '.gitignore'));

const pkg = {
  name,
  version: '0.1.0',
  private: true,
  type: 'module',
  scripts: {
    dev: 'pagebound dev',
    build: 'pagebound build',
    start: 'pagebound start',
    test: 'node --import tsx --test test/*.test.ts',
    typecheck: 'tsc --noEmit',
  },
  dependencies: { pagebound: pageboundSpec },
  devDependencies: { '@types/node': '^20.19.0', tsx: '^4.20.0', typescript: '^5.9.0' },
  engines: { node: '>=20.11' },
};
writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');

const cd = path.relative(process.cwd(), dir) || '.';
console.log(`
Created ${name} in ${dir}

  cd ${cd}
  npm install
  npm run dev        # http://localhost:3000, reloads on change

  npm test           # the app's tests
  npm run build && npm start   # production: compiled pages, plain Node
`);
