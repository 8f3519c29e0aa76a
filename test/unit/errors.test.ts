import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as errors from '../../src/errors.js';
import * as api from '../../src/index.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const codes = Object.keys(errors).filter((k) => k.startsWith('PB_ERR_'));

describe('error codes', () => {
  it('has codes at all', () => {
    expect(codes.length).toBeGreaterThan(15);
  });

  it.each(codes)('%s is documented in docs/errors.md and exported from the public API', (code) => {
    expect(doc).toContain(`\`${code}\``);
    expect((api.errors as Record<string, unknown>)[code]).toBe((errors as Record<string, unknown>)[code]);
  });

  it.each(codes)('%s builds an error whose code is its name, with an HTTP status', (code) => {
    const Ctor = (errors as Record<string, any>)[code];
    const err = new Ctor('a', 'b', 'c');
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe(code);
    expect(err.statusCode).toBeGreaterThanOrEqual(400);
    expect(err.message.length).toBeGreaterThan(10);
  });
});
