import { afterEach, describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/config.js';
import { parseTrustProxy } from '../../src/server.js';

describe('hardening options', () => {
  const env = process.env.PAGEBOUND_ALLOWED_HOSTS;
  afterEach(() => {
    if (env === undefined) delete process.env.PAGEBOUND_ALLOWED_HOSTS;
    else process.env.PAGEBOUND_ALLOWED_HOSTS = env;
  });

  it('has named defaults', () => {
    delete process.env.PAGEBOUND_ALLOWED_HOSTS;
    const prod = resolveOptions({ dev: false });
    expect(prod).toMatchObject({ maxIdlePagesPerAddress: 500, renderTimeoutMs: 10_000, eventLoopWarnMs: 500, allowedHosts: false });
    // DNS rebinding: the dev server answers loopback names only unless told otherwise.
    expect(resolveOptions({ dev: true }).allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
  });

  it('reads PAGEBOUND_ALLOWED_HOSTS, comma-separated, in dev and production', () => {
    process.env.PAGEBOUND_ALLOWED_HOSTS = 'app.example, .cdn.example';
    expect(resolveOptions({ dev: false }).allowedHosts).toEqual(['app.example', '.cdn.example']);
    expect(resolveOptions({ dev: true }).allowedHosts).toEqual(['app.example', '.cdn.example']);
    expect(resolveOptions({ dev: true, allowedHosts: false }).allowedHosts).toBe(false);
  });

  it.each([
    [{ maxIdlePagesPerAddress: 0 }, 'maxIdlePagesPerAddress must be a positive number'],
    [{ renderTimeoutMs: Number.NaN }, 'renderTimeoutMs must be a positive number'],
    [{ eventLoopWarnMs: 0 }, 'eventLoopWarnMs must be a positive number, or false'],
    [{ allowedHosts: [] }, 'allowedHosts must be a non-empty list of host names, or false'],
    [{ allowedHosts: [''] }, 'allowedHosts must be a non-empty list of host names, or false'],
  ])('%o is refused with PB_ERR_CONFIG', (opts, message) => {
    expect.assertions(1);
    expect(() => resolveOptions(opts as never)).toThrowError(expect.objectContaining({ code: 'PB_ERR_CONFIG', message: expect.stringContaining(message) }));
  });

  it.each([
    ['true', true], ['1', true], ['false', false], ['2', 2], ['127.0.0.1', '127.0.0.1'],
    ['127.0.0.1, 10.0.0.0/8', ['127.0.0.1', '10.0.0.0/8']], ['loopback', 'loopback'], ['', undefined],
  ])('trustProxy %j parses as %j', (raw, value) => {
    expect(parseTrustProxy(raw)).toEqual(value);
  });

  it('refuses a trustProxy that is none of those', () => {
    expect.assertions(1);
    expect(() => parseTrustProxy('everyone please')).toThrowError(expect.objectContaining({ code: 'PB_ERR_CONFIG' }));
  });
});
