/**
 * Scenario 7 — bytes on the wire per redraw: a live 100-row table (bench/pages/table.page.ts) where
 * one row changes. A client renders the page, connects over WebSocket, sends `bump` for one row and
 * weighs the `dom` frame the server pushes for it, against the full page's HTML. And a keyed list
 * of 1000 items (bench/pages/feed.page.ts) where one item is appended: the `ls` frame against the
 * full page. Bytes, not time: the figures are exact and the same on every machine.
 */
import WebSocket from 'ws';
import type { BenchConfig } from '../lib/config.js';
import type { Section } from '../lib/report.js';
import { startServer } from '../lib/child-server.js';
import { renderLivePage } from '../clients/pagebound.js';
import { bytes, fixed } from '../lib/format.js';

const ROWS_TRIED = [0, 42, 99];

/**
 * Connects to a rendered page at `path`, sends `event` (with `{ id }`), and returns the byte size of
 * the frame of type `t` it pushes, and the page's full HTML.
 */
async function pushBytes(base: string, path: string, event: string, id: number, t: 'dom' | 'ls'): Promise<{ frame: number; html: number; regions: string[] }> {
  const html = Buffer.byteLength(await (await fetch(`${base}${path}`)).text());
  const page = await renderLivePage(base, path);
  const ws = new WebSocket(base.replace(/^http/, 'ws') + '/_pagebound/ws', ['pagebound.v1', `pb.sid.${page.id}`], {
    headers: { cookie: page.cookie }, perMessageDeflate: false,
  });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no redraw within 10 s')), 10_000);
      let frame = 0;
      let regions: string[] = [];
      ws.once('error', reject);
      ws.once('open', () => ws.send(JSON.stringify({ t: 'hello', v: 1, ack: 0 })));
      ws.on('message', (data) => {
        const text = data.toString();
        const f = JSON.parse(text) as { t: string; r?: Array<[string, string]> };
        if (f.t === 'welcome') ws.send(JSON.stringify({ t: 'ev', s: 1, n: event, d: { id: String(id) } }));
        if (f.t === t) { frame = Buffer.byteLength(text); regions = f.r?.map(([n]) => n) ?? []; }
        if (f.t === 're') { clearTimeout(timer); resolve({ frame, html, regions }); }
      });
    });
  } finally {
    ws.close();
  }
}

export async function redrawScenario(_cfg: BenchConfig): Promise<Section[]> {
  const server = await startServer('pagebound.ts');
  try {
    const runs = [];
    for (const id of ROWS_TRIED) runs.push({ id, ...(await pushBytes(server.url, '/table', 'bump', id, 'dom')) });
    const worst = runs.reduce((a, b) => (b.frame / b.html > a.frame / a.html ? b : a));
    const append = await pushBytes(server.url, '/feed', 'more', 0, 'ls');
    return [{
      title: '7. Bytes per redraw',
      method: 'A live 100-row table whose rows are `data-pb-region`s; a client sends `bump` for one row and weighs the `dom` frame pushed for it (WebSocket payload bytes) against the full page HTML. Then a keyed list of 1000 items (`page.list`): a client sends `more` and weighs the `ls` frame that appends one item.',
      table: {
        headers: ['change', 'sent', 'frame', 'full page HTML', 'share'],
        rows: [
          ...runs.map((r) => [`row ${r.id} of 100`, `dom: ${r.regions.join(', ')}`, bytes(r.frame), bytes(r.html), `${fixed((100 * r.frame) / r.html, 2)} %`]),
          ['1 item appended to a 1000-item list', 'ls: entries', bytes(append.frame), bytes(append.html), `${fixed((100 * append.frame) / append.html, 3)} %`],
        ],
      },
      metrics: [{
        name: 'redraw bytes (1 of 100 rows)', unit: 'B', value: worst.frame, peer: 'full page HTML', peerValue: worst.html,
        ratio: worst.frame / worst.html, goal: 0.05, better: 'lower',
      }, {
        name: 'list append bytes (1 item onto 1000)', unit: 'B', value: append.frame, peer: 'full page HTML', peerValue: append.html,
        ratio: append.frame / append.html, goal: 0.05, better: 'lower',
      }],
      notes: [
        `One changed row of 100 costs ${fixed((100 * worst.frame) / worst.html, 2)} % of the page (goal: under 5 %).`,
        `One item appended to a keyed list of 1000 (\`page.list\`, an \`ls\` frame) costs ${bytes(append.frame)} against ${bytes(append.html)} for the page: ${fixed((100 * append.frame) / append.html, 3)} %.`,
      ],
    }];
  } finally {
    await server.stop();
  }
}
