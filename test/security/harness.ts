/**
 * What every security test needs: a real pagebound process, raw HTTP requests (any Host, any
 * source address on loopback, a body sent as slowly as wanted), and the after-check that a
 * well-behaved page on the same server still gets every event in order.
 */
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { expect } from 'vitest';
import { REPO, fixture } from '../helpers/temp-pages.js';
import { renderLive, WsClient } from '../helpers/live-client.js';
import { startProcess, type CliServer } from '../helpers/cli.js';

export const PAGES = fixture('security');
export const SECRET_ENV = { PAGEBOUND_SECRET: 'a-test-secret-of-enough-length' };

export interface Started extends CliServer { port: number; pid: number }

/**
 * Starts the real CLI (`command` with `args`), or, when `options` are given, createServer with
 * them in a child process (serve-entry.ts). Either way a crash is a dead process the test sees.
 */
export async function startPagebound(spec: {
  command?: 'dev' | 'start'; args?: string[]; env?: Record<string, string>; options?: Record<string, unknown>;
}): Promise<Started> {
  const command = spec.command ?? 'start';
  const argv = spec.options
    ? ['--import', 'tsx', path.join(REPO, 'test/security/serve-entry.ts')]
    : [path.join(REPO, 'bin/pagebound.mjs'), command, '--pages', PAGES, ...(spec.args ?? [])];
  const server = await startProcess(argv, {
    NODE_ENV: command === 'start' ? 'production' : '', ...SECRET_ENV,
    PB_TEST_OPTIONS: JSON.stringify({ pagesDir: PAGES, publicDir: false, dev: command === 'dev', ...spec.options }),
    ...spec.env,
  });
  return { ...server, port: Number(new URL(server.url).port), pid: server.child.pid! };
}

export interface Answer { status: number; statusMessage: string; headers: http.IncomingHttpHeaders; body: string }

/** One HTTP/1.1 request with exactly these headers (Host included) from `localAddress` on loopback. */
export function request(url: string, init: {
  method?: string; headers?: Record<string, string>; body?: string; localAddress?: string; agent?: http.Agent; ca?: string;
} = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? https.request : http.request;
    const req = send(url, {
      method: init.method ?? 'GET', headers: init.headers, localAddress: init.localAddress, agent: init.agent, ca: init.ca,
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, statusMessage: res.statusMessage!, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Renders a live page from `localAddress`: its id and session cookie. */
export async function renderFrom(base: string, pagePath: string, localAddress: string, agent?: http.Agent) {
  const res = await request(base + pagePath, { localAddress, agent });
  const id = /"id":"([A-Za-z0-9_-]{21,})"/.exec(res.body)?.[1];
  const cookie = String(res.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
  return { status: res.status, id, cookie };
}

/** The HTTP transport's hello for a rendered page, and nothing after it: no poll is ever held. */
export function httpHello(base: string, page: { id?: string; cookie: string }, localAddress: string, agent?: http.Agent) {
  return request(`${base}/_pagebound/http/send`, {
    method: 'POST', localAddress, agent,
    headers: { 'content-type': 'application/json', sessionid: page.id ?? '', cookie: page.cookie },
    body: JSON.stringify([{ t: 'hello', v: 1, ack: 0 }]),
  });
}

/** Runs `fn` for 0..n-1 with at most `width` at a time. */
export async function inParallel(n: number, width: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await fn(next++);
  }));
}

/** A live page over a real WebSocket, with `n` events sent; resolves once all are answered in order. */
export async function connectLive(server: { url: string }, n = 5, label = 'x'): Promise<WsClient> {
  const page = await renderLive(server.url, '/live');
  const client = new WsClient(server.url, page.id, { cookie: page.cookie, origin: server.url });
  await client.opened;
  client.send({ t: 'hello', v: 1, ack: 0 });
  await sendInOrder(client, n, label);
  return client;
}

/** Sends `n` more ping events on an open client and checks they are answered in order. */
export async function sendInOrder(client: WsClient, n: number, label: string): Promise<void> {
  const before = client.of('re').length;
  const first = (sentSoFar.get(client) ?? 0) + 1;
  for (let s = first; s < first + n; s++) client.send({ t: 'ev', s, n: 'ping', d: `${label}${s}` });
  sentSoFar.set(client, first + n - 1);
  await client.until((f) => f.filter((x) => x.t === 're').length === before + n, 15_000);
  const answers = client.of('re').slice(before).map((f) => [f.re, f.ok, f.d]);
  expect(answers).toEqual(Array.from({ length: n }, (_, i) => [first + i, true, ['pong', `${label}${first + i}`]]));
}
const sentSoFar = new WeakMap<WsClient, number>();

/** After an attack: the process lives, and a new well-behaved page gets every event in order. */
export async function expectStillServing(server: Started): Promise<void> {
  expect(server.child.exitCode).toBe(null);
  const client = await connectLive(server, 5, 'after');
  client.close();
  expect(server.child.exitCode).toBe(null);
}
