import { describe, expect, it } from 'vitest';
import { Registry } from '../../../src/page/registry.js';
import { PageInstance } from '../../../src/page/page-instance.js';
import { connect, makePage } from '../../helpers/fake-connection.js';

function page(sessionId: string): PageInstance<any> {
  const p = makePage({ retainMs: 60_000 });
  p.admitted(sessionId);
  return p;
}

describe('Registry limits', () => {
  it('past maxInstancesPerSession closes that session\'s oldest never-connected page', async () => {
    const registry = new Registry({ maxInstances: 100, maxInstancesPerSession: 3 });
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
    const registry = new Registry({ maxInstances: 3, maxInstancesPerSession: 100 });
    const live = page('victim-user');
    connect(live);
    registry.add(live);
    const flood = [page('bot-1'), page('bot-2')];
    for (const p of flood) registry.add(p);
    registry.add(page('bot-3'));
    expect(registry.get(flood[0]!.id)).toBeUndefined();
    expect(registry.get(live.id)).toBe(live);
    expect(registry.size).toBe(3);

    const full = new Registry({ maxInstances: 1, maxInstancesPerSession: 100 });
    const only = page('u');
    connect(only);
    full.add(only);
    expect(() => full.add(page('u2'))).toThrowError(expect.objectContaining({ code: 'PB_ERR_TOO_MANY_PAGES', statusCode: 503 }));
  });
});
