/**
 * A Connection that records what the server sent, for unit tests of the protocol layer.
 */
import type { Connection } from '../../src/transport/transport.js';

export class RecordingConnection implements Connection {
  readonly kind = 'ws' as const;
  frames: any[] = [];
  closed: { code: number; reason?: string } | undefined;
  send(json: string): void {
    this.frames.push(JSON.parse(json));
  }
  close(code: number, reason?: string): void {
    this.closed = { code, reason };
  }
  of(t: string): any[] {
    return this.frames.filter((f) => f.t === t);
  }
}
