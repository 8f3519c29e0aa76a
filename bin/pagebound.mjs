#!/usr/bin/env node
// Installed, pagebound runs its compiled dist/ with plain Node. In its own repository (src/ is
// there, and is not published) it runs the TypeScript sources through tsx.
import { existsSync } from 'node:fs';
import { register } from 'node:module';

const source = new URL('../src/cli.ts', import.meta.url);
if (existsSync(source)) {
  register('./source-conditions.mjs', import.meta.url);
  const tsx = await import('tsx/esm/api');
  tsx.register();
  await import(source.href);
} else {
  await import('../dist/cli.js');
}
