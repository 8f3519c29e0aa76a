/**
 * Makes a runnable HAProxy config from the shipped deploy/haproxy.cfg for other nodes and ports,
 * keeping every routing rule as shipped: `pagebound cluster` and the cluster tests run exactly the
 * config users deploy, only with their own addresses.
 *
 * The shipped file's per-node lines are the `use-server` and `server` lines of its first server
 * ("a"); they are repeated once per node, and the other shipped nodes' lines are dropped.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NODE_ID_RE } from './config.js';
import { PB_ERR_CONFIG } from './errors.js';

export const SHIPPED_HAPROXY_CFG = fileURLToPath(new URL('../deploy/haproxy.cfg', import.meta.url));

export interface HaproxyNode {
  /** The node's `PAGEBOUND_NODE_ID`. */
  name: string;
  /** `host:port` the node listens on. */
  address: string;
}

export interface HaproxyLayout {
  /** The `bind` address: `:8080`, `127.0.0.1:8080`. */
  bind: string;
  nodes: HaproxyNode[];
}

const PER_NODE = /^(\s*)(use-server|server)\s+([a-z0-9]+)\b/;

export function haproxyConfig(layout: HaproxyLayout, shipped = readFileSync(SHIPPED_HAPROXY_CFG, 'utf8')): string {
  if (layout.nodes.length === 0) throw new PB_ERR_CONFIG('a cluster needs at least one node');
  const names = new Set<string>();
  for (const node of layout.nodes) {
    if (!NODE_ID_RE.test(node.name)) throw new PB_ERR_CONFIG('node names must be 1-16 characters of a-z and 0-9');
    if (names.has(node.name)) throw new PB_ERR_CONFIG('node names must be different');
    names.add(node.name);
  }
  const lines = shipped.split('\n');
  const template = lines.map((l) => PER_NODE.exec(l)).find((m) => m?.[2] === 'server')?.[3];
  if (!template) throw new PB_ERR_CONFIG('the HAProxy config has no server line to repeat per node');
  // The template's name where it stands as a word: `use-server a`, `-m str a }`, `srv_is_up(backend/a)`.
  const nameRe = new RegExp(`(?<=^|[\\s/(])${template}(?=$|[\\s)])`, 'g');

  const out: string[] = [];
  let bound = false;
  for (const line of lines) {
    const m = PER_NODE.exec(line);
    if (m) {
      if (m[3] !== template) continue;
      for (const node of layout.nodes) {
        let copy = line.replace(nameRe, node.name);
        if (m[2] === 'server') copy = copy.replace(/^(\s*server\s+\S+\s+)\S+/, `$1${node.address}`);
        out.push(copy);
      }
      continue;
    }
    const bind = /^(\s*bind\s+)\S+(.*)$/.exec(line);
    if (bind) {
      out.push(`${bind[1]}${layout.bind}${bind[2]}`);
      bound = true;
      continue;
    }
    out.push(line);
  }
  if (!bound) throw new PB_ERR_CONFIG('the HAProxy config has no bind line');
  return out.join('\n');
}
