/**
 * Client for bench/servers/socketio.ts: emit with an acknowledgement callback, WebSocket transport
 * only, no reconnection (a dropped connection should fail the run, not be papered over).
 */
import { io, type Socket } from 'socket.io-client';
import { bounded, type RpcClient } from './rpc.js';

export class SocketIoClient implements RpcClient {
  readonly #socket: Socket;
  #seq = 0;

  private constructor(socket: Socket) {
    this.#socket = socket;
  }

  static async connect(base: string, timeoutMs = 10_000): Promise<SocketIoClient> {
    const socket = io(base, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: timeoutMs });
    await bounded(timeoutMs, 'socket.io connect', () => new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    })).catch((err) => {
      socket.close();
      throw err;
    });
    return new SocketIoClient(socket);
  }

  call(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.#socket.connected) return reject(new Error('socket.io disconnected'));
      this.#socket.emit('ping', ++this.#seq, () => resolve());
    });
  }

  burst(n: number, timeoutMs: number): Promise<void> {
    return bounded(timeoutMs, `socket.io burst of ${n}`, () => new Promise<void>((resolve, reject) => {
      let left = n;
      const onAck = () => { if (--left === 0) { this.#socket.off('disconnect', onDisconnect); resolve(); } };
      const onDisconnect = (reason: string) => reject(new Error(`socket.io disconnected: ${reason}`));
      this.#socket.once('disconnect', onDisconnect);
      for (let i = 0; i < n; i++) this.#socket.emit('ping', ++this.#seq, onAck);
    }));
  }

  close(): void {
    this.#socket.close();
  }
}
