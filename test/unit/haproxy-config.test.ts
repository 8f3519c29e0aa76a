/**
 * The shipped deploy/haproxy.cfg is valid for Debian's haproxy, and configs generated from it for
 * other nodes keep every routing rule and only change addresses and the node list.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { haproxyConfig, SHIPPED_HAPROXY_CFG } from '../../src/haproxy-config.js';
import { checkHaproxyConfig } from '../helpers/haproxy.js';

const shipped = readFileSync(SHIPPED_HAPROXY_CFG, 'utf8');
const routing = (cfg: string) => cfg.split('\n').filter((l) => /^\s*(http-request|acl|balance|option|retry-on|retries|http-check|default-server)/.test(l));

describe('deploy/haproxy.cfg', () => {
  it('passes haproxy -c as shipped: :8080, nodes a, b, c on 127.0.0.1:3001-3003', () => {
    const r = checkHaproxyConfig(shipped);
    expect(r.output).not.toMatch(/ALERT/);
    expect(r.status).toBe(0);
    expect(shipped).toMatch(/^\s*bind :8080$/m);
    expect(shipped.match(/^\s*server .*$/gm)).toEqual([
      '    server a 127.0.0.1:3001', '    server b 127.0.0.1:3002', '    server c 127.0.0.1:3003',
      // The page-bound backend: the same nodes, tracking the first backend's health checks.
      '    server a 127.0.0.1:3001 track pagebound_nodes/a', '    server b 127.0.0.1:3002 track pagebound_nodes/b',
      '    server c 127.0.0.1:3003 track pagebound_nodes/c',
    ]);
    // What the issue rules out: no stick tables, no cookie reading.
    expect(shipped).not.toMatch(/^\s*(stick|cookie)\b/m);
    expect(shipped).not.toMatch(/req\.cook|hdr\(cookie\)/);
  });

  it('generates a valid config for other nodes and ports with the same routing rules', () => {
    const cfg = haproxyConfig({
      bind: '127.0.0.1:18080',
      nodes: [{ name: 'n1', address: '127.0.0.1:4001' }, { name: 'web2', address: '10.0.0.2:3000' }],
    });
    expect(checkHaproxyConfig(cfg).status).toBe(0);
    expect(cfg).toMatch(/^\s*bind 127\.0\.0\.1:18080$/m);
    expect(cfg.match(/^\s*server .*$/gm)).toEqual([
      '    server n1 127.0.0.1:4001', '    server web2 10.0.0.2:3000',
      '    server n1 127.0.0.1:4001 track pagebound_nodes/n1', '    server web2 10.0.0.2:3000 track pagebound_nodes/web2',
    ]);
    expect(cfg.match(/^\s*use-server .*$/gm)).toEqual([
      '    use-server n1 if { var(txn.pb_node) -m str n1 } { srv_is_up(pagebound_pages/n1) }',
      '    use-server web2 if { var(txn.pb_node) -m str web2 } { srv_is_up(pagebound_pages/web2) }',
    ]);
    expect(routing(cfg)).toEqual(routing(shipped));
  });

  it('refuses node names that are not page-id node names, and duplicates', () => {
    expect(() => haproxyConfig({ bind: ':1', nodes: [{ name: 'A.b', address: 'x:1' }] })).toThrow(expect.objectContaining({ code: 'PB_ERR_CONFIG' }));
    expect(() => haproxyConfig({ bind: ':1', nodes: [{ name: 'a', address: 'x:1' }, { name: 'a', address: 'x:2' }] })).toThrow(/different/);
    expect(() => haproxyConfig({ bind: ':1', nodes: [] })).toThrow(/at least one/);
  });
});
