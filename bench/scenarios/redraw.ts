/**
 * Scenario 7 — bytes on the wire per redraw: a live 100-row table (bench/pages/table.page.ts) where
 * one row changes. A client renders the page, connects over WebSocket, sends `bump` for one row and
 * weighs the `dom` frame the server pushes for it, against the full page's HTML. Bytes, not time:
 * the figure is exact and the same on every machine.
 */
import WebSocket from 'ws';
import type { BenchConfig } from '../lib/config.js';
import type { Section } from '../lib/report.js';
import { startServer } from '../lib/child-server.js';
import { renderLivePage } from '../clients/pagebound.js';
import { bytes, fixed } from '../lib/format.js';

const ROWS_TRIED = [0, 42, 99];

/** Connects to a rendered page, sends `bump` for `id`, and returns the byte size of the `dom` frame. */
async function redrawBytes(base: string, id: number): Promise<{ frame: number; html: number; regions: string[] }> {
  const html = Buffer.byteLength(await (await fetch(`${base}/table`)).text());
  const page = await renderLivePage(base, '/table');
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
        if (f.t === 'welcome') ws.send(JSON.stringify({ t: 'ev', s: 1, n: 'bump', d: { id: String(id) } }));
        if (f.t === 'dom') { frame = Buffer.byteLength(text); regions = f.r!.map(([n]) => n); }
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
    for (const id of ROWS_TRIED) runs.push({ id, ...(await redrawBytes(server.url, id)) });
    const worst = runs.reduce((a, b) => (b.frame / b.html > a.frame / a.html ? b : a));
    return [{
      title: '7. Bytes per redraw',
      method: 'A live 100-row table whose rows are `data-pb-region`s; a client sends `bump` for one row and weighs the `dom` frame pushed for it (WebSocket payload bytes) against the full page HTML.',
      table: {
        headers: ['row changed', 'regions sent', 'dom frame', 'full page HTML', 'share'],
        rows: runs.map((r) => [String(r.id), r.regions.join(', '), bytes(r.frame), bytes(r.html), `${fixed((100 * r.frame) / r.html, 2)} %`]),
      },
      metrics: [{
        name: 'redraw bytes (1 of 100 rows)', unit: 'B', value: worst.frame, peer: 'full page HTML', peerValue: worst.html,
        ratio: worst.frame / worst.html, goal: 0.05, better: 'lower',
      }],
      notes: [`One changed row of 100 costs ${fixed((100 * worst.frame) / worst.html, 2)} % of the page (goal: under 5 %).`],
    }];
  } finally {
    await server.stop();
  }
}
