/**
 * Hardening #7: behind a TLS-terminating proxy (a real haproxy with a self-signed certificate).
 * Before: the CLI had no way to turn on trustProxy, so the session cookie was never `Secure`,
 * and with `X-Forwarded-Proto: https` the origin check refused every live page with 403.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsClient } from '../helpers/live-client.js';
import { expectStillServing, request, sendInOrder, startPagebound, type Started } from './harness.js';
import { startTlsProxy, type TlsProxy } from './tls-proxy.js';

async function renderThrough(proxy: TlsProxy, headers: Record<string, string> = {}) {
  const res = await request(`${proxy.url}/live`, { ca: proxy.ca, headers });
  const id = /"id":"([A-Za-z0-9_-]{21,})"/.exec(res.body)?.[1];
  const setCookie = String(res.headers['set-cookie']?.[0] ?? '');
  return { status: res.status, id, setCookie, cookie: setCookie.split(';')[0]! };
}

/** A pagebound process and a TLS proxy in front of it, for the tests of one describe block. */
function serverBehindProxy(spec: Parameters<typeof startPagebound>[0]): { server: Started; proxy: TlsProxy } {
  const env = {} as { server: Started; proxy: TlsProxy };
  beforeAll(async () => {
    env.server = await startPagebound(spec);
    env.proxy = await startTlsProxy(env.server.port);
  });
  afterAll(async () => {
    await env.proxy?.stop();
    await env.server?.stop();
  });
  return env;
}

const behindProxy = (name: string, spec: Parameters<typeof startPagebound>[0]) => describe(name, () => {
  const env = serverBehindProxy(spec);

  it('sets a Secure cookie, and a live page works over wss:// with the https origin', async () => {
    const page = await renderThrough(env.proxy);
    expect(page.status).toBe(200);
    expect(page.setCookie).toMatch(/;\s*Secure/i);
    expect(page.setCookie).toMatch(/;\s*HttpOnly/i);
    const client = new WsClient(env.proxy.url, page.id, { cookie: page.cookie, origin: env.proxy.url }, { ca: env.proxy.ca });
    await client.opened;
    client.send({ t: 'hello', v: 1, ack: 0 });
    await sendInOrder(client, 5, 'tls');
    client.close();
  });

  it('the HTTP transport accepts the https origin too, and still refuses a foreign one', async () => {
    const page = await renderThrough(env.proxy);
    const hello = (origin: string) => request(`${env.proxy.url}/_pagebound/http/send`, {
      method: 'POST', ca: env.proxy.ca, body: JSON.stringify([{ t: 'hello', v: 1, ack: 0 }]),
      headers: { 'content-type': 'application/json', sessionid: page.id!, cookie: page.cookie, origin },
    });
    expect((await hello('https://evil.example')).status).toBe(403);
    expect((await hello(env.proxy.url)).status).toBe(200);
    await expectStillServing(env.server);
  });
});

behindProxy('--trust-proxy on the CLI', { command: 'start', args: ['--trust-proxy'] });
behindProxy('PAGEBOUND_TRUST_PROXY naming the proxy\'s address', { command: 'start', env: { PAGEBOUND_TRUST_PROXY: '127.0.0.1' } });

describe('without trustProxy (the default)', () => {
  const env = serverBehindProxy({ command: 'start' });

  it('believes no forwarded header: the cookie is not Secure, and the https origin is foreign', async () => {
    const page = await renderThrough(env.proxy);
    expect(page.setCookie).not.toMatch(/Secure/i);
    const client = new WsClient(env.proxy.url, page.id, { cookie: page.cookie, origin: env.proxy.url }, { ca: env.proxy.ca });
    await expect(client.opened).rejects.toMatchObject({ status: 403 });
  });
});

describe('allowedHosts in production (PAGEBOUND_ALLOWED_HOSTS, behind the proxy)', () => {
  const env = serverBehindProxy({ command: 'start', args: ['--trust-proxy'], env: { PAGEBOUND_ALLOWED_HOSTS: '127.0.0.1,.app.example' } });

  it.each([
    ['the proxy\'s own name', {}, 200],
    ['a subdomain of a dotted entry', { 'x-forwarded-host': 'eu.app.example' }, 200],
    ['a forwarded foreign host', { 'x-forwarded-host': 'evil.example' }, 403],
    ['a look-alike suffix', { 'x-forwarded-host': 'evilapp.example' }, 403],
  ])('%s gets %s', async (_what, headers, status) => {
    const res = await request(`${env.proxy.url}/live`, { ca: env.proxy.ca, headers });
    expect(res.status).toBe(status);
    if (status === 403) {
      expect(JSON.parse(res.body)).toMatchObject({ code: 'PB_ERR_HOST' });
      expect(res.body).not.toContain('evil');
    }
  });

  it('a direct request with a foreign Host is refused, the WebSocket upgrade too', async () => {
    const res = await request(`${env.server.url}/live`, { headers: { host: 'evil.example' } });
    expect(res.status).toBe(403);
    const client = new WsClient(env.server.url, 'x'.repeat(21), { host: 'evil.example' });
    await expect(client.opened).rejects.toMatchObject({ status: 403 });
    await expectStillServing(env.server);
  });
});
