/**
 * Event objects the socket dispatches. Server pushes are MessageEvents that stringify to their
 * data, so `addEventListener('message', alert)` shows the pushed text instead of "[object ...]".
 */

export class ServerEvent extends MessageEvent<unknown> {
  override toString(): string {
    const d = this.data;
    return typeof d === 'string' ? d : JSON.stringify(d) ?? String(d);
  }
}

/** A plain Event carrying extra read-only fields (`reason`, `attempt`, `error`, …). */
export function lifecycle<T extends object>(type: string, fields: T, cancelable = false): Event & T {
  return Object.assign(new Event(type, { cancelable }), fields);
}
