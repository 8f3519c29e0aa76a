import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import cookie from '@fastify/cookie';
import { ensureSession, originAllowed, readSession } from '../../../src/session/session.js';

async function app() {
  const a = Fastify({ logger: false });
  await a.register(cookie, { secret: 'a-secret-of-sufficient-length' });
  a.get('/origin', async (req) => ({ allowed: originAllowed(req, ['https://trusted.example']) }));
  a.get('/session', async (req, reply) => ({ before: readSession(req) ?? null, id: ensureSession(req, reply) }));
  return a;
}

describe('session cookie', () => {
  it('is created once, signed, HttpOnly, SameSite=Lax, and read back on the next request', async () => {
    const a = await app();
    const first = await a.inject('/session');
    const set = String(first.headers['set-cookie']);
    expect(set).toMatch(/^pb_session=[^;]+\.[^;]+;/); // value.signature
    expect(set).toContain('HttpOnly');
    expect(set).toContain('SameSite=Lax');
    const { id } = first.json();
    const again = await a.inject({ url: '/session', headers: { cookie: set.split(';')[0] } });
    expect(again.json()).toEqual({ before: id, id });
    expect(again.headers['set-cookie']).toBeUndefined();
    await a.close();
  });

  it('ignores a forged or tampered cookie and issues a new session', async () => {
    const a = await app();
    const forged = await a.inject({ url: '/session', headers: { cookie: 'pb_session=chosen-by-attacker' } });
    expect(forged.json().before).toBeNull();
    expect(forged.json().id).not.toBe('chosen-by-attacker');
    await a.close();
  });
});

describe('originAllowed', () => {
  it.each([
    [undefined, true],
    ['http://localhost:80', true],
    ['https://trusted.example', true],
    ['https://evil.example', false],
    ['http://localhost:81', false],
    ['null', false],
  ])('Origin %s → %s', async (origin, allowed) => {
    const a = await app();
    const res = await a.inject({ url: '/origin', headers: { host: 'localhost:80', ...(origin ? { origin } : {}) } });
    expect(res.json()).toEqual({ allowed });
    await a.close();
  });
});
