/**
 * Options: every default, every refusal (PB_ERR_CONFIG naming the option, never echoing a secret),
 * and the environment fallbacks.
 */
import path from 'node:path';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveOptions, type PageboundOptions } from '../../src/config.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

/** The error `resolveOptions(opts)` throws; fails the test when it throws nothing. */
function refusal(opts: PageboundOptions): { code: string; message: string; statusCode: number } {
  try {
    resolveOptions(opts);
  } catch (err) {
    return err as { code: string; message: string; statusCode: number };
  }
  throw new Error(`resolveOptions(${JSON.stringify(opts)}) did not throw`);
}

describe('defaults', () => {
  it('fills every option with its documented default', () => {
    vi.stubEnv('PAGEBOUND_SECRET', undefined);
    vi.stubEnv('NODE_ENV', 'test');
    expect(resolveOptions()).toMatchObject({
      pagesDir: path.resolve('pages'),
      publicDir: path.resolve('public'),
      dev: true,
      secret: undefined,
      allowedOrigins: [],
      csp: true,
      transport: 'auto',
      retainMs: 120_000,
      connectTimeoutMs: 10_000,
      heartbeatMs: 15_000,
      heartbeatTimeoutMs: 30_000,
      maxFrameBytes: 65_536,
      replayMaxFrames: 1_000,
      replayMaxBytes: 1_048_576,
      maxMailbox: 1_000,
      maxInstances: 10_000,
      maxInstancesPerSession: 100,
      maxBufferedBytes: 4_194_304,
      maxStreamBytes: 65_536,
      maxMailboxBytes: 1_048_576,
      eventTimeoutMs: 30_000,
      pollMs: 25_000,
      pollMaxBytes: 32_768,
      csrf: true,
      metrics: false,
      maxUploadBytes: 10 * 1024 * 1024,
      maxUploadDiskBytes: 1024 * 1024 * 1024,
      maxUploadDiskBytesPerSession: 128 * 1024 * 1024,
      uploadIdleMs: 30_000,
      uploadDir: path.resolve(tmpdir()),
      maxUploadFiles: 5,
      maxFormFields: 100,
      maxIdlePagesPerAddress: 500,
      renderTimeoutMs: 10_000,
      eventLoopWarnMs: 500,
      drainTimeoutMs: 10_000,
      nodeId: undefined,
    });
  });

  it('keeps what the caller set', () => {
    const opts = {
      pagesDir: 'site/pages', publicDir: false, dev: false, secret: 's'.repeat(16), allowedOrigins: ['https://a.example'],
      csp: false, transport: 'http', retainMs: 1, connectTimeoutMs: 2, heartbeatMs: 3, heartbeatTimeoutMs: 4,
      maxFrameBytes: 5, replayMaxFrames: 6, replayMaxBytes: 7, maxMailbox: 8, maxInstances: 9, maxInstancesPerSession: 10,
      maxBufferedBytes: 11, maxStreamBytes: 12, maxMailboxBytes: 13, eventTimeoutMs: 14, pollMs: 15, pollMaxBytes: 16,
    } satisfies PageboundOptions;
    expect(resolveOptions(opts)).toMatchObject({ ...opts, pagesDir: path.resolve('site/pages') });
  });

  it('gives one session an eighth of the upload disk quota unless maxUploadDiskBytesPerSession is set', () => {
    expect(resolveOptions({ maxUploadDiskBytes: 8000 }).maxUploadDiskBytesPerSession).toBe(1000);
    expect(resolveOptions({ maxUploadDiskBytes: 8000, maxUploadDiskBytesPerSession: 3000 }).maxUploadDiskBytesPerSession).toBe(3000);
  });

  it('resolves folders against the working directory', () => {
    const resolved = resolveOptions({ pagesDir: './app/pages', publicDir: 'static' });
    expect(resolved.pagesDir).toBe(path.join(process.cwd(), 'app', 'pages'));
    expect(resolved.publicDir).toBe(path.join(process.cwd(), 'static'));
  });

  it('turns dev mode off under NODE_ENV=production, on otherwise, unless set', () => {
    vi.stubEnv('NODE_ENV', 'production');
    expect(resolveOptions().dev).toBe(false);
    expect(resolveOptions({ dev: true }).dev).toBe(true);
    vi.stubEnv('NODE_ENV', 'development');
    expect(resolveOptions().dev).toBe(true);
    expect(resolveOptions({ dev: false }).dev).toBe(false);
  });

  it('takes the secret from PAGEBOUND_SECRET when none is passed', () => {
    vi.stubEnv('PAGEBOUND_SECRET', 'from-the-environment-0123');
    expect(resolveOptions().secret).toBe('from-the-environment-0123');
    expect(resolveOptions({ secret: 'passed-in-option-0123' }).secret).toBe('passed-in-option-0123');
  });

  it('leaves the secret unset without option or environment (a random one per process follows)', () => {
    vi.stubEnv('PAGEBOUND_SECRET', undefined);
    expect(resolveOptions().secret).toBeUndefined();
  });
});

const LIMITS = [
  'retainMs', 'connectTimeoutMs', 'heartbeatMs', 'heartbeatTimeoutMs', 'maxFrameBytes', 'replayMaxFrames',
  'replayMaxBytes', 'maxMailbox', 'maxInstances', 'maxInstancesPerSession', 'maxBufferedBytes', 'maxStreamBytes',
  'maxMailboxBytes', 'eventTimeoutMs', 'pollMs', 'pollMaxBytes', 'maxUploadDiskBytesPerSession',
] as const;

describe('validation', () => {
  describe.each(LIMITS)('%s', (key) => {
    it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, '100' as unknown as number])('refuses %s', (bad) => {
      const err = refusal({ [key]: bad });
      expect(err.code).toBe('PB_ERR_CONFIG');
      expect(err.statusCode).toBe(500);
      expect(err.message).toBe(`Invalid pagebound option: ${key} must be a positive number`);
    });
  });

  it('accepts a fractional positive limit', () => {
    expect(resolveOptions({ retainMs: 0.5 }).retainMs).toBe(0.5);
  });

  it.each(['websocket', 'sse', '', 'WS'])('refuses transport %j, naming the choices', (transport) => {
    const err = refusal({ transport: transport as PageboundOptions['transport'] });
    expect(err.code).toBe('PB_ERR_CONFIG');
    expect(err.message).toBe("Invalid pagebound option: transport must be one of 'auto', 'ws', 'http'");
  });

  it.each(['auto', 'ws', 'http'] as const)('accepts transport %s', (transport) => {
    expect(resolveOptions({ transport }).transport).toBe(transport);
  });

  it('requires heartbeatTimeoutMs to be larger than heartbeatMs', () => {
    for (const opts of [
      { heartbeatMs: 5_000, heartbeatTimeoutMs: 5_000 },
      { heartbeatMs: 5_000, heartbeatTimeoutMs: 4_999 },
      { heartbeatMs: 40_000 }, // over the 30 s default timeout
      { heartbeatTimeoutMs: 15_000 }, // equal to the 15 s default interval
    ]) {
      const err = refusal(opts);
      expect(err.code).toBe('PB_ERR_CONFIG');
      expect(err.message).toContain('heartbeatTimeoutMs must be larger than heartbeatMs');
    }
    expect(resolveOptions({ heartbeatMs: 5_000, heartbeatTimeoutMs: 5_001 })).toMatchObject({
      heartbeatMs: 5_000,
      heartbeatTimeoutMs: 5_001,
    });
  });

  it('refuses a secret under 16 characters without echoing it', () => {
    const secret = 'hunter2-SeCrEt!';
    expect(secret).toHaveLength(15);
    const err = refusal({ secret });
    expect(err.code).toBe('PB_ERR_CONFIG');
    expect(err.message).toBe('Invalid pagebound option: secret must be at least 16 characters');
    expect(err.message).not.toContain('hunter2');
    expect(resolveOptions({ secret: secret + 'x' }).secret).toBe(secret + 'x');
  });

  it('refuses a short PAGEBOUND_SECRET the same way, without echoing it', () => {
    vi.stubEnv('PAGEBOUND_SECRET', 'tooShortEnv');
    const err = refusal({});
    expect(err.code).toBe('PB_ERR_CONFIG');
    expect(err.message).toContain('secret must be at least 16 characters');
    expect(err.message).not.toContain('tooShortEnv');
  });

  it('refuses an empty secret rather than signing with nothing', () => {
    expect(refusal({ secret: '' }).code).toBe('PB_ERR_CONFIG');
  });
});
