import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createServer } from '../../src/server.js';
import { fixture } from '../helpers/temp-pages.js';

describe('createServer logs', () => {
  it('writes one line per request with the page\'s route pattern, not the URL', async () => {
    const lines: any[] = [];
    const stream = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(chunk.toString())); done(); } });
    const app = await createServer({ pagesDir: fixture('site'), publicDir: false, dev: false, logger: { level: 'info', stream } });
    try {
      await app.inject('/users/42');
      const requests = lines.filter((l) => l.msg === 'request');
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({ method: 'GET', url: '/users/42', route: '/users/:id', status: 200 });
      expect(lines.some((l) => l.msg === 'incoming request' || l.msg === 'request completed')).toBe(false);
    } finally {
      await app.close();
    }
  });

  it('prints readable lines with prettyLogs', async () => {
    let out = '';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => { out += chunk.toString(); return true; }) as typeof process.stdout.write;
    try {
      const app = await createServer({ pagesDir: fixture('site'), publicDir: false, dev: true, prettyLogs: true });
      await app.inject('/users/42');
      await app.close();
    } finally {
      process.stdout.write = write;
    }
    expect(out).toMatch(/INFO.*request/);
    expect(out).toContain('route: "/users/:id"');
    expect(out).not.toContain('{"level"');
  });
});

describe('createServer behind a TLS-terminating proxy', () => {
  const sessionCookie = async (trustProxy: boolean) => {
    const app = await createServer({ pagesDir: fixture('site'), publicDir: false, dev: false, logger: false, trustProxy });
    try {
      const res = await app.inject({ url: '/live', headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example' } });
      return res.cookies.find((c) => c.name === 'pb_session')!;
    } finally {
      await app.close();
    }
  };

  it('marks the session cookie Secure when trustProxy is on and the proxy says https', async () => {
    expect((await sessionCookie(true)).secure).toBe(true);
  });

  it('ignores X-Forwarded-Proto when trustProxy is off, so a client cannot forge it', async () => {
    expect((await sessionCookie(false)).secure).toBeFalsy();
  });
});
