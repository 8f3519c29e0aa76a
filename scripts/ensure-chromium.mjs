#!/usr/bin/env node
// Runs before `npm test`: the browser tests need Debian's Chromium. On a fresh Debian machine where
// we are root, install it (the README's `npm install && npm test` must work as written); anywhere
// else, say how, and fail rather than let the browser tests be skipped.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const path = process.env.PB_CHROMIUM ?? '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (process.env.PB_CHROMIUM || !isRoot || !existsSync('/usr/bin/apt-get')) {
  console.error(`pagebound tests: no Chromium at ${path}. Install Debian's package (apt-get install -y chromium) or set PB_CHROMIUM.`);
  process.exit(1);
}
console.log("pagebound tests: installing Debian's chromium for the browser tests (apt-get install -y chromium)…");
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
