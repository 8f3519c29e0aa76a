/**
 * `pagebound/client` as an application sees it: pagebound installed under node_modules (a symlink
 * to this repository, as `npm link` or a workspace makes), outside this repository's own tsconfig.
 * The link resolves to the sources through the `pagebound-source` condition; the published build's
 * declarations are checked from a real tarball in test/cluster/package.test.ts.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from '../helpers/temp-pages.js';
import { tsc } from './tsc.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-consumer-'));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(REPO, path.join(dir, 'node_modules', 'pagebound'), 'dir');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => writeFileSync(path.join(dir, name), text);
const config = (types: string[]) => JSON.stringify({
  compilerOptions: {
    module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true,
    lib: ['ES2022', 'DOM'], types, skipLibCheck: true,
    // The link points at this repository's sources, not a build (test/cluster/package.test.ts installs the built package).
    customConditions: ['pagebound-source'],
  },
  include: ['*.ts'],
});

it('resolves through compilerOptions.types and a triple-slash reference, with document.serverSocket possibly absent', { timeout: 120_000 }, () => {
  write('tsconfig.json', config(['pagebound/client']));
  write('a.ts', `
const socket: ServerSocket | undefined = document.serverSocket;
// @ts-expect-error a page without an instance has no socket
document.serverSocket.send('x');
socket?.send('any-name', { any: 'data' });
const other = new ServerSocket('/echo');
other.addEventListener('resume', () => {});
export {};
`);
  const result = tsc(dir);
  expect(result.errors).toEqual([]);
  write('tsconfig.json', config([]));
  write('a.ts', `/// <reference types="pagebound/client" />\nconst s: ServerSocket | undefined = document.serverSocket;\nexport { s };\n`);
  expect(tsc(dir).errors).toEqual([]);
});

it('imports PageSocket and types a socket module from its default export', { timeout: 120_000 }, () => {
  write('tsconfig.json', config([]));
  write('echo.socket.ts', `
import { defineSocket } from 'pagebound';
export default defineSocket({ on: { ping: (_data: unknown) => 'pong' as const } });
`);
  write('a.ts', `
import type { PageSocket } from 'pagebound/client';
import type echo from './echo.socket.js';
const s = new ServerSocket<typeof echo>('/echo');
const pong: 'pong' = await s.call('ping');
// @ts-expect-error not an event of /echo
s.send('pingg');
const typed: PageSocket<typeof echo> = s;
export { pong, typed };
`);
  const result = tsc(dir);
  expect(result.errors).toEqual([]);
});
