#!/usr/bin/env node
// Runs before `npm test`: the browser tests need Debian's Chromium, the cluster tests redis-server,
// haproxy and nginx. On a fresh Debian machine where we are root, install what is missing (the README's
// `npm install && npm test` must work as written); anywhere else, say how, and fail rather than let
// those tests be skipped.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const onPath = (cmd) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const chromium = process.env.PB_CHROMIUM ?? '/usr/bin/chromium';
const missing = [
  ...(existsSync(chromium) ? [] : ['chromium']),
  ...['redis-server', 'haproxy', 'nginx'].filter((cmd) => !onPath(cmd)),
];
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if ((missing.includes('chromium') && process.env.PB_CHROMIUM) || !isRoot || !existsSync('/usr/bin/apt-get')) {
  console.error(`pagebound tests: missing ${missing.join(', ')}. Install Debian's packages (apt-get install -y ${missing.join(' ')})` +
    (missing.includes('chromium') ? ` or point PB_CHROMIUM at a Chromium (looked at ${chromium}).` : '.'));
  process.exit(1);
}
console.log(`pagebound tests: installing Debian's ${missing.join(', ')} for the browser and cluster tests (apt-get install -y ${missing.join(' ')})…`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
