/**
 * Payload validation against any Standard Schema, and how a page answers a payload its schema refuses.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { isStandardSchema, issuePaths, validateEvent } from '../../../src/page/validate-event.js';
import { definePage, toEventHandler, type Page } from '../../../src/page/define-page.js';

/** A hand-written Standard Schema, so nothing here depends on one library's quirks. */
const evenNumber: StandardSchemaV1<unknown, number> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: (v) => (typeof v === 'number' && v % 2 === 0 ? { value: v } : { issues: [{ message: 'not even', path: ['n'] }] }),
  },
};

describe('validateEvent', () => {
  it('returns the schema\'s output (transforms applied) on success', async () => {
    const schema = z.object({ text: z.string().trim() }).transform((x) => x.text.length);
    expect(await validateEvent(schema, { text: '  hi ' })).toEqual({ ok: true, value: 2 });
    expect(await validateEvent(evenNumber, 4)).toEqual({ ok: true, value: 4 });
  });

  it('returns the issues on failure, at most 10, and a throwing schema as a failure', async () => {
    const r = await validateEvent(z.array(z.string()), Array.from({ length: 50 }, (_, i) => i));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues).toHaveLength(10);
    const throwing: StandardSchemaV1 = { '~standard': { version: 1, vendor: 't', validate: () => { throw new Error('bug'); } } };
    expect(await validateEvent(throwing, 1)).toEqual({ ok: false, issues: [{ message: 'the schema threw while validating' }] });
  });

  it('recognises Standard Schemas only', () => {
    expect(isStandardSchema(z.string())).toBe(true);
    expect(isStandardSchema(evenNumber)).toBe(true);
    expect(isStandardSchema({ '~standard': { version: 2, validate() {} } })).toBe(false);
    expect(isStandardSchema(null)).toBe(false);
    expect(issuePaths([{ message: 'x', path: ['a', { key: 0 }] }, { message: 'y' }])).toEqual(['a.0', '(root)']);
  });
});

describe('schema handlers', () => {
  const page = {} as Page;
  const event = { key: 'k:1', signal: new AbortController().signal, files: [] };

  it('never call the handler with data the schema refuses, and answer PB_ERR_EVENT_INVALID without echoing it', async () => {
    expect.assertions(6);
    const seen: unknown[] = [];
    const run = toEventHandler('add', { schema: z.object({ text: z.string().max(5) }), handler: (d: unknown) => { seen.push(d); return 'ok'; } });
    expect(await run({ text: 'hi' }, page, event)).toBe('ok');
    try {
      await run({ text: '<script>alert(1)</script>' }, page, event);
    } catch (err) {
      const e = err as { code: string; message: string; statusCode: number; expose: boolean; issues: string[] };
      expect(e.code).toBe('PB_ERR_EVENT_INVALID');
      expect(e.message).not.toContain('script');
      expect(e.expose).toBe(true);
      expect(e.issues).toEqual(['text']);
    }
    expect(seen).toEqual([{ text: 'hi' }]);
  });

  it('a malformed entry fails when the page is defined, not on the first event', () => {
    expect(() => definePage({ on: { bad: { schema: {} as StandardSchemaV1, handler() {} } } })).toThrow(/Standard Schema/);
    expect(() => definePage({ on: { bad: 42 as never } })).toThrow(/must be a function/);
  });
});
