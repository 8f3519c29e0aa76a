/**
 * A real TLS-terminating proxy in front of a test server: haproxy with a throw-away self-signed
 * certificate, forwarding plain HTTP (and WebSocket upgrades) to the server with
 * `X-Forwarded-Proto: https` and `X-Forwarded-For`, as a load balancer does.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface TlsProxy { url: string; ca: string; stop(): Promise<void> }

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

export async function startTlsProxy(backendPort: number): Promise<TlsProxy> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-tls-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  const ca = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
  writeFileSync(path.join(dir, 'both.pem'), ca + readFileSync(path.join(dir, 'key.pem'), 'utf8'));
  const port = await freePort();
  writeFileSync(path.join(dir, 'haproxy.cfg'), `
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout tunnel 60s
frontend tls
  bind 127.0.0.1:${port} ssl crt ${path.join(dir, 'both.pem')}
  option forwardfor
  http-request set-header X-Forwarded-Proto https
  default_backend app
backend app
  server app 127.0.0.1:${backendPort}
`);
  const child = spawn('haproxy', ['-db', '-f', path.join(dir, 'haproxy.cfg')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited ${child.exitCode}: ${err}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (up) break;
    if (Date.now() > deadline) throw new Error(`haproxy did not listen: ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `https://127.0.0.1:${port}`,
    ca,
    stop: () => new Promise<void>((resolve) => {
      const done = () => { rmSync(dir, { recursive: true, force: true }); resolve(); };
      if (child.exitCode !== null) return done();
      child.once('exit', done);
      child.kill('SIGTERM');
    }),
  };
}
