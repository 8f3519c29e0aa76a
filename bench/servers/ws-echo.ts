/**
 * The floor for a JSON protocol over WebSocket: plain `ws` (the library pagebound itself uses under
 * @fastify/websocket) that parses each frame and answers it with a `re`-shaped reply. Parsing and
 * stringifying are kept because any real protocol does them; everything else is left out.
 */
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { runServer } from './harness.js';

const server = http.createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server });

wss.on('connection', (socket) => {
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { s: number; d?: unknown };
    socket.send(JSON.stringify({ t: 're', s: frame.s, re: frame.s, ok: true, d: 'pong' }));
  });
});

await runServer({
  listen: () => new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  }),
  counters: () => ({ sockets: wss.clients.size }),
  close: () => new Promise((resolve) => {
    for (const client of wss.clients) client.terminate();
    wss.close(() => server.close(() => resolve()));
  }),
});
