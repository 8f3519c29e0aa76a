/**
 * A real nginx running the shipped deploy/nginx.conf with a test's ports substituted (the routing
 * rules untouched), in the foreground with its own prefix folder. A missing nginx is a failure with
 * the install command, never a skip.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/ports.js';
import { startDaemon } from './daemon.js';

const SHIPPED = fileURLToPath(new URL('../../deploy/nginx.conf', import.meta.url));

export interface TestNginx { url: string; stop(): Promise<void> }

/** `ports` replace 3001, 3002, 3003 (nodes a, b, c) in the shipped file. */
export async function startNginx(ports: number[]): Promise<TestNginx> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-nginx-'));
  const site = readFileSync(SHIPPED, 'utf8')
    .replace(/127\.0\.0\.1:300([123])\b/g, (_, i: string) => `127.0.0.1:${ports[Number(i) - 1]}`)
    .replace(/listen 8080;/, `listen 127.0.0.1:${port};`);
  writeFileSync(path.join(dir, 'site.conf'), site);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${dir}/${t};`).join(' ');
  writeFileSync(path.join(dir, 'nginx.conf'),
    `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\ndaemon off;\nmaster_process off;\nevents {}\n` +
    `http {\n  access_log off;\n  ${temp}\n  include ${dir}/site.conf;\n}\n`);
  const args = ['-p', dir, '-c', path.join(dir, 'nginx.conf')];
  const check = spawnSync('nginx', ['-t', ...args], { encoding: 'utf8' });
  if (check.error) throw new Error(`nginx could not run (${check.error.message}): install it, e.g. apt-get install -y nginx`);
  if (check.status !== 0) throw new Error(`nginx -t failed:\n${check.stderr}`);
  const daemon = await startDaemon('nginx', args, port, dir);
  return { url: `http://127.0.0.1:${port}`, stop: daemon.stop };
}
