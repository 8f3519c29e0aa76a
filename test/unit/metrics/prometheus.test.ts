import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../helpers/server.js';
import { fixture } from '../../helpers/temp-pages.js';
import { renderLive, WsClient } from '../../helpers/live-client.js';

describe('Prometheus metrics (opt-in, real port)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ pagesDir: fixture('forms'), dev: false, metrics: true });
  });
  afterAll(() => server.close());

  const scrape = async () => {
    const res = await fetch(`${server.url}/_pagebound/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return res.text();
  };
  const value = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(series + ' '));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it('counts live pages, connections by transport, events, resumes and expiries', async () => {
    const page = await renderLive(server.url, '/live');
    let text = await scrape();
    expect(value(text, 'pagebound_live_pages')).toBe(1);
    expect(value(text, 'pagebound_connections{transport="ws"}')).toBe(0);

    const ws = new WsClient(server.url, page.id, { cookie: page.cookie, origin: server.origin });
    await ws.opened;
    ws.send({ t: 'hello', v: 1, ack: 0 });
    ws.send({ t: 'ev', s: 1, n: 'ping', d: null });
    ws.send({ t: 'ev', s: 2, n: 'ping', d: null });
    await ws.until((f) => f.filter((x) => x.t === 're').length === 2);
    text = await scrape();
    expect(value(text, 'pagebound_connections{transport="ws"}')).toBe(1);
    expect(value(text, 'pagebound_connections_total{transport="ws"}')).toBe(1);
    expect(value(text, 'pagebound_events_total')).toBe(2);
    expect(value(text, 'pagebound_mailbox_depth{stat="total"}')).toBe(0);
    ws.close();
    await ws.done;

    // The same tab comes back: a resume. Over HTTP this time.
    const http = await fetch(`${server.url}/_pagebound/http/send`, {
      method: 'POST', body: JSON.stringify([{ t: 'hello', v: 1, ack: 2 }]),
      headers: { 'content-type': 'application/json', sessionid: page.id, cookie: page.cookie, origin: server.origin },
    });
    expect(http.status).toBe(200);
    const gone = new WsClient(server.url, 'x'.repeat(21), { origin: server.origin });
    await gone.opened;
    gone.send({ t: 'hello', v: 1, ack: 0 });
    await gone.done;

    text = await scrape();
    expect(value(text, 'pagebound_connections{transport="ws"}')).toBe(0);
    expect(value(text, 'pagebound_connections{transport="http"}')).toBe(1);
    expect(value(text, 'pagebound_resumes_total')).toBe(1);
    expect(value(text, 'pagebound_expiries_total')).toBe(1);
    expect(text).toContain('pagebound_process_resident_memory_bytes');
    expect(text).toContain('pagebound_nodejs_eventloop_lag_seconds');
  });

  it('times each durable commit: the first one at render, then one per event', async () => {
    const durable = await startServer({ pagesDir: fixture('durable'), dev: false, metrics: true });
    try {
      const page = await renderLive(durable.url, '/counter');
      const ws = new WsClient(durable.url, page.id, { cookie: page.cookie, origin: durable.origin });
      await ws.opened;
      ws.send({ t: 'hello', v: 1, ack: 0 });
      ws.send({ t: 'ev', s: 1, n: 'add', d: { i: 1 } });
      await ws.until((f) => f.some((x) => x.t === 're'));
      ws.send({ t: 'ev', s: 2, n: 'add', d: { i: 2 } });
      await ws.until((f) => f.filter((x) => x.t === 're').length === 2);
      const text = await (await fetch(`${durable.url}/_pagebound/metrics`)).text();
      expect(value(text, 'pagebound_durable_commit_seconds_count')).toBe(3);
      expect(value(text, 'pagebound_durable_commit_seconds_sum')).toBeGreaterThan(0);
      expect(value(text, 'pagebound_durable_commit_seconds_bucket{le="+Inf"}')).toBe(3);
      ws.close();
    } finally {
      await durable.close();
    }
  });

  it('is off unless asked for', async () => {
    const plain = await startServer({ pagesDir: fixture('forms'), dev: false });
    try {
      expect((await fetch(`${plain.url}/_pagebound/metrics`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
