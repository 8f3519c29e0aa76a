import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../helpers/server.js';
import { fixture } from '../../helpers/temp-pages.js';

describe('multipart forms and uploads (real port)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ pagesDir: fixture('forms'), dev: false, maxUploadBytes: 1024, maxUploadFiles: 2, maxFormFields: 5 });
  });
  afterAll(() => server.close());

  const post = (form: FormData) => fetch(`${server.url}/upload`, { method: 'POST', body: form, headers: { origin: server.origin } });

  it('gives the handler the fields as ctx.body (repeated names as lists) and the files as ctx.files', async () => {
    const form = new FormData();
    form.append('title', 'My <holiday>');
    form.append('tag', 'a');
    form.append('tag', 'b');
    form.append('photo', new Blob(['hello world'], { type: 'text/plain' }), 'note.txt');
    const res = await post(form);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('<p id="title">My &lt;holiday&gt;</p>');
    expect(body).toContain('<li>photo:note.txt:text/plain:11:hello</li>');
    expect(body).toContain('[&quot;a&quot;,&quot;b&quot;]');
  });

  it('answers a file over maxUploadBytes with 413 PB_ERR_FORM_TOO_LARGE, not Fastify\'s JSON', async () => {
    const form = new FormData();
    form.append('photo', new Blob([Buffer.alloc(2048, 1)]), 'big.bin');
    const res = await post(form);
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('text/html');
  });

  it('answers more than maxUploadFiles files, or more than maxFormFields fields, with 413', async () => {
    const files = new FormData();
    for (let i = 0; i < 3; i++) files.append(`f${i}`, new Blob(['x']), `${i}.txt`);
    expect((await post(files)).status).toBe(413);
    const fields = new FormData();
    for (let i = 0; i < 6; i++) fields.append(`k${i}`, 'v');
    expect((await post(fields)).status).toBe(413);
  });

  it('answers a malformed multipart body with 400 PB_ERR_FORM_INVALID', async () => {
    const res = await fetch(`${server.url}/upload`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=abc', origin: server.origin },
      body: '--abc\r\nContent-Disposition: form-data; name="title"\r\n\r\nunfinished',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('unfinished');
  });

  it('answers an unsupported body type with 400 instead of Fastify\'s raw 415 JSON', async () => {
    const res = await fetch(`${server.url}/upload`, {
      method: 'POST', headers: { 'content-type': 'application/xml', origin: server.origin }, body: '<x/>',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('text/html');
  });
});

describe('multipart with the host app\'s own @fastify/multipart', () => {
  it('takes the parts the host already attached to the body (attachFieldsToBody: true)', async () => {
    const { default: Fastify } = await import('fastify');
    const { default: multipart } = await import('@fastify/multipart');
    const { pagebound } = await import('../../../src/index.js');
    const app = Fastify({ logger: false });
    await app.register(multipart, { attachFieldsToBody: true });
    await app.register(pagebound, { pagesDir: fixture('forms'), publicDir: false, dev: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    try {
      const form = new FormData();
      form.append('title', 'Host parsed');
      form.append('photo', new Blob(['abcdefg'], { type: 'image/png' }), 'p.png');
      const body = await (await fetch(`${url}/upload`, { method: 'POST', body: form })).text();
      expect(body).toContain('<p id="title">Host parsed</p>');
      expect(body).toContain('<li>photo:p.png:image/png:7:abcde</li>');
    } finally {
      await app.close();
    }
  });
});
