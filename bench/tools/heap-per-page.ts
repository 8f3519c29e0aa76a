/**
 * Where the bytes of a connected live page go: starts pagebound in this process, opens N connected
 * pages from a child process, and writes a heap snapshot before and after, then prints the retained
 * self size per page by constructor (the top of the difference). A profiling aid, not a benchmark:
 *   node --expose-gc --import tsx bench/tools/heap-per-page.ts [N]
 */
import { fork } from 'node:child_process';
import { writeHeapSnapshot } from 'node:v8';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createServer } from '../../src/server.js';

const N = Number(process.argv[2] ?? 2000);
const PAGES = fileURLToPath(new URL('../pages/', import.meta.url));

if (process.argv[2] === 'client') {
  const { PageboundClient, renderLivePage } = await import('../clients/pagebound.js');
  const url = process.argv[3]!;
  const n = Number(process.argv[4]);
  const held = [];
  for (let i = 0; i < n; i++) held.push(await PageboundClient.connect(url, await renderLivePage(url, '/counter')));
  process.send!('ready');
  setInterval(() => {}, 1 << 30);
} else {
  const app = await createServer({ pagesDir: PAGES, publicDir: false, dev: false, logger: false, secret: 'pagebound-bench-secret-0123456789', maxInstances: 100_000, connectTimeoutMs: 600_000 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const open = (n: number) => new Promise<ReturnType<typeof fork>>((resolve) => {
    const child = fork(fileURLToPath(import.meta.url), ['client', url, String(n)], { execArgv: ['--import', 'tsx'] });
    child.once('message', () => resolve(child));
  });
  const warm = await open(200);
  const snap = () => {
    (globalThis as { gc?: () => void }).gc?.();
    (globalThis as { gc?: () => void }).gc?.();
    return writeHeapSnapshot();
  };
  const before = snap();
  const used0 = process.memoryUsage().heapUsed;
  const child = await open(N);
  const after = snap();
  const used1 = process.memoryUsage().heapUsed;
  console.log(`heap per page: ${((used1 - used0) / N).toFixed(0)} B over ${N} pages`);
  const byCtor = (file: string) => {
    const s = JSON.parse(readFileSync(file, 'utf8'));
    const f = s.snapshot.meta.node_fields as string[];
    const types = s.snapshot.meta.node_types[0] as string[];
    const [ti, ni, si] = ['type', 'name', 'self_size'].map((k) => f.indexOf(k));
    const out = new Map<string, { count: number; bytes: number }>();
    for (let i = 0; i < s.nodes.length; i += f.length) {
      const type = types[s.nodes[i + ti]];
      const name = type === 'object' || type === 'closure' ? `${type}:${s.strings[s.nodes[i + ni]]}` : type!;
      const e = out.get(name) ?? { count: 0, bytes: 0 };
      e.count++;
      e.bytes += s.nodes[i + si];
      out.set(name, e);
    }
    return out;
  };
  const a = byCtor(before);
  const b = byCtor(after);
  const rows = [...b].map(([k, v]) => [k, (v.bytes - (a.get(k)?.bytes ?? 0)) / N, (v.count - (a.get(k)?.count ?? 0)) / N] as const)
    .sort((x, y) => y[1] - x[1]).slice(0, 30);
  for (const [k, bytes, count] of rows) console.log(`${bytes.toFixed(0).padStart(6)} B  ${count.toFixed(2).padStart(6)} ×  ${k}`);
  rmSync(before);
  if (process.env.KEEP_SNAPSHOT) console.log(`kept ${after}`); else rmSync(after);
  warm.kill();
  child.kill();
  await app.close();
  process.exit(0);
}
