import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { closeForStatus, reactionToClose, RefusalMessages, Refusals, type RefusalCode } from '../../../src/protocol/refusals.js';
import * as errors from '../../../src/errors.js';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const codes = Object.keys(Refusals) as RefusalCode[];

/** The rows of docs/errors.md's "Live connections" table: code → [status, close, reaction, message]. */
function documented(): Map<string, string[]> {
  const section = doc.slice(doc.indexOf('## Live connections'), doc.indexOf('## Events and handlers'));
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const m = /^\| `(PB_ERR_\w+)` \| ([^|]+) \| ([^|]+) \| ([^|]+) \| ([^|]+) \|/.exec(line);
    if (m) rows.set(m[1]!, [m[2]!, m[3]!, m[4]!, m[5]!].map((c) => c.trim()));
  }
  return rows;
}

describe('the refusal table', () => {
  it('docs/errors.md lists exactly the table\'s codes, with the same status, close code, reaction and message', () => {
    const rows = documented();
    expect([...rows.keys()].sort()).toEqual([...codes].sort());
    for (const code of codes) {
      const r = Refusals[code];
      expect(rows.get(code), code).toEqual([
        r.status ? String(r.status) : '—', r.close ? String(r.close) : '—', r.reaction, RefusalMessages[code],
      ]);
    }
  });

  it.each(codes)('%s builds a server error with the table\'s message and status', (code) => {
    const Ctor = (errors as unknown as Record<string, new () => { code: string; message: string; statusCode: number }>)[code]!;
    const err = new Ctor();
    expect(err.code).toBe(code);
    expect(err.message).toBe(RefusalMessages[code]);
    expect(err.statusCode).toBe(Refusals[code].status || 500);
  });

  it('maps close codes to what the runtime does', () => {
    expect(reactionToClose(4410)).toBe('expire');
    expect(reactionToClose(4403)).toBe('expire');
    expect(reactionToClose(4409)).toBe('end');
    expect(reactionToClose(1000)).toBe('end');
    expect(reactionToClose(4429)).toBe('backoff');
    expect(reactionToClose(4400)).toBe('backoff');
    expect(reactionToClose(1009)).toBe('backoff');
    expect(reactionToClose(4000)).toBe('reconnect');
    expect(reactionToClose(1012)).toBe('reconnect');
    expect(reactionToClose(1006)).toBe('reconnect');
  });

  it('maps HTTP statuses to the close code the WebSocket would have ended with', () => {
    expect([400, 403, 410, 413, 429].map(closeForStatus)).toEqual([4400, 4403, 4410, 1009, 4429]);
    // 409 (a stale HTTP connection) and anything else reconnect like a network failure.
    expect([409, 500, 502].map(closeForStatus)).toEqual([1006, 1006, 1006]);
  });

  it('never echoes client input: no message has a placeholder', () => {
    for (const code of codes) expect(RefusalMessages[code]).not.toMatch(/%s|\$\{/);
  });
});
