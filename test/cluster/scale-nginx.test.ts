/**
 * The nginx equivalent (deploy/nginx.conf) on real nginx in front of three real nodes: WebSocket and
 * HTTP-transport connections reach the node their page id names, across reconnects; a request for
 * a node that was killed falls over to a backup node, which answers `expired` (not a 502).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../helpers/temp-pages.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { startNginx, type TestNginx } from '../helpers/nginx.js';
import { expectEachNodeServedItsOwn, hitRounds, renderVia } from '../helpers/page-hits.js';
import { WsClient } from '../helpers/live-client.js';

let cluster: TestCluster;
let nginx: TestNginx;

beforeAll(async () => {
  cluster = await startCluster(fixture('scale'));
  nginx = await startNginx(['a', 'b', 'c'].map((n) => cluster.nodes.get(n)!.port));
}, 60_000);
afterAll(async () => {
  await nginx?.stop();
  await cluster?.stop();
});

describe('deploy/nginx.conf', () => {
  it('sends every WebSocket and HTTP-transport connection of a page to the node that rendered it', async () => {
    const pages = await Promise.all(Array.from({ length: 6 }, () => renderVia(nginx.url, '/node')));
    expect(new Set(pages.map((p) => p.id.split('.')[0])).size).toBeGreaterThanOrEqual(2);
    expectEachNodeServedItsOwn(await hitRounds(nginx.url, pages, 2));
  });

  it('answers the health endpoint 404 to visitors', async () => {
    expect((await fetch(nginx.url + '/_pagebound/health')).status).toBe(404);
  });

  it('falls over to another node when the named one is dead, which answers expired', async () => {
    const page = await renderVia(nginx.url, '/node');
    const node = cluster.nodeOf(page.id);
    node.cli.child.kill('SIGKILL');
    await node.exited;
    const c = new WsClient(nginx.url, page.id, { cookie: page.cookie, origin: nginx.url });
    await c.opened;
    c.send({ t: 'hello', v: 1, ack: 0 });
    expect((await c.done).code).toBe(4410);
    expect(c.frames).toEqual([{ t: 'expired', reason: 'unknown' }]);
  });
});
