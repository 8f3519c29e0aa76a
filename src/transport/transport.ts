/**
 * What the protocol layer needs from a transport: a way to hand frames to one client connection and
 * to end it. WebSocket sends each frame at once; HTTP queues them for the next long-poll.
 */
export interface Connection {
  readonly kind: 'ws' | 'http';
  /**
   * False while nothing of the client is held open (an HTTP connection between polls, or one whose
   * client never polls): the registry evicts such a page before refusing a new one. Absent: held.
   */
  readonly held?: boolean;
  /** Delivers one already-encoded server frame (a JSON object's text). */
  send(json: string): void;
  /** Ends the connection with a close code (docs/protocol.md §4). */
  close(code: number, reason?: string): void;
}
