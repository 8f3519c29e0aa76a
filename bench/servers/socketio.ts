/**
 * The popular peer: Socket.IO with an acknowledgement callback, which is its equivalent of
 * pagebound's `ev` → `re`. WebSocket transport only, so no long-polling handshake is measured.
 */
import http from 'node:http';
import { Server } from 'socket.io';
import { runServer } from './harness.js';

const server = http.createServer();
const io = new Server(server, { transports: ['websocket'], serveClient: false });

io.on('connection', (socket) => {
  socket.on('ping', (_data: unknown, ack: (reply: string) => void) => ack('pong'));
});

await runServer({
  listen: () => new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  }),
  counters: () => ({ sockets: io.engine.clientsCount }),
  close: () => new Promise((resolve) => { io.close(() => resolve()); }),
});
