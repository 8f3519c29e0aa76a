import { describe, expect, it } from 'vitest';
import { Registry, addressBucket } from '../../../src/page/registry.js';
import { PageInstance } from '../../../src/page/page-instance.js';
import { RecordingConnection, connect, endpointOf, makePage } from '../../helpers/fake-connection.js';

function page(sessionId: string): PageInstance<any> {
  const p = makePage({ retainMs: 60_000 });
  p.admitted(sessionId);
  return p;
}

describe('Registry limits', () => {
  it('past maxInstancesPerSession closes that session\'s oldest never-connected page', async () => {
    const registry = new Registry({ maxInstances: 100, maxInstancesPerSession: 3, maxIdlePagesPerAddress: 1000 });
    const [a, b, c] = [page('s1'), page('s1'), page('s1')];
    connect(a); // a is connected, b and c only rendered
    for (const p of [a, b, c]) registry.add(p);
    const other = page('s2');
    registry.add(other);
    const d = page('s1');
    registry.add(d);
    expect(registry.get(b.id)).toBeUndefined();
    await expect.poll(() => b.closed).toBe(true);
    expect([a, c, d, other].every((p) => registry.get(p.id) === p)).toBe(true);
  });

  it('past maxInstances evicts the oldest never-connected page anywhere, and refuses only when all are connected', async () => {
    const registry = new Registry({ maxInstances: 3, maxInstancesPerSession: 100, maxIdlePagesPerAddress: 1000 });
    const live = page('victim-user');
    connect(live);
    registry.add(live);
    const flood = [page('bot-1'), page('bot-2')];
    for (const p of flood) registry.add(p);
    registry.add(page('bot-3'));
    expect(registry.get(flood[0]!.id)).toBeUndefined();
    expect(registry.get(live.id)).toBe(live);
    expect(registry.size).toBe(3);

    const full = new Registry({ maxInstances: 1, maxInstancesPerSession: 100, maxIdlePagesPerAddress: 1000 });
    const only = page('u');
    connect(only);
    full.add(only);
    expect(() => full.add(page('u2'))).toThrowError(expect.objectContaining({ code: 'PB_ERR_TOO_MANY_PAGES', statusCode: 503 }));
  });

  it('evicts disconnected pages and pages whose connection holds nothing before refusing, oldest first', async () => {
    const registry = new Registry({ maxInstances: 3, maxInstancesPerSession: 100, maxIdlePagesPerAddress: 1000 });
    const held = page('a');
    connect(held);
    const dropped = page('b');
    endpointOf(dropped).detach(connect(dropped));
    const unheld = page('c');
    // An HTTP connection with no long-poll waiting holds nothing.
    connect(unheld, Object.assign(new RecordingConnection(), { holds: false }));
    for (const p of [held, dropped, unheld]) registry.add(p);
    registry.add(page('d'));
    expect(registry.get(dropped.id)).toBeUndefined();
    await expect.poll(() => dropped.closed).toBe(true);
    registry.add(page('e'));
    expect(registry.get(unheld.id)).toBeUndefined();
    expect(registry.get(held.id)).toBe(held);
  });

  it('past maxIdlePagesPerAddress an address evicts its own oldest idle page, never another address\'s', async () => {
    const registry = new Registry({ maxInstances: 100, maxInstancesPerSession: 100, maxIdlePagesPerAddress: 2 });
    const visitor = page('v');
    registry.add(visitor, '10.0.0.1');
    const flood = [page('f1'), page('f2'), page('f3'), page('f4')];
    for (const p of flood) registry.add(p, '10.0.0.2');
    expect(registry.size).toBe(3);
    expect(registry.get(visitor.id)).toBe(visitor);
    expect(flood.map((p) => registry.get(p.id) === p)).toEqual([false, false, true, true]);
    await expect.poll(() => flood[1]!.closed).toBe(true);
  });

  it.each([
    ['203.0.113.7', '203.0.113.7'], ['::ffff:203.0.113.7', '203.0.113.7'], ['2001:db8:1:2:aaaa::1', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'], ['2001:db8::1', '2001:db8:0:0::/64'], ['::1', '0:0:0:0::/64'], ['', ''],
  ])('counts %s in the bucket %s (IPv6 by /64)', (ip, bucket) => {
    expect(addressBucket(ip)).toBe(bucket);
  });
});
