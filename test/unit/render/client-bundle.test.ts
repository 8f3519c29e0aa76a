import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { getClientBundle } from '../../../src/render/client-bundle.js';

/**
 * The size budget of the injected runtime, min+gzip. Raise it deliberately, not by accident: 7 → 8 KiB
 * when the runtime started sharing the server's codec, sequence rules and refusal table (issue #8);
 * 8 → 13 KiB for server-driven redraws and live forms (issue #11): idiomorph is ~3.5 KiB of it
 * (loading it lazily would cost every live page a second request, and its CSP/SRI plumbing, before
 * its first redraw), URL state, confirm, disable-with and the dirty class ~0.8 KiB. 13 → 15.5 KiB for
 * navigation without reloads (issue #11, runtime-client/navigate.ts and page-swap.ts: ~2.3 KiB);
 * 15.5 → 16.5 KiB for uploads from live forms (issue #11, ~0.75 KiB: runtime-client/upload.ts).
 */
const BUDGET_BYTES = 16.5 * 1024;

describe('client bundle', () => {
  it(`stays within its size budget (${BUDGET_BYTES} bytes min+gzip)`, async () => {
    const bundle = await getClientBundle();
    const size = gzipSync(bundle.code, { level: 9 }).length;
    expect(size).toBeLessThanOrEqual(BUDGET_BYTES);
    expect(size).toBeGreaterThan(1000); // a real runtime, not an empty file
  });

  it('is one file addressed by its content hash, with a matching integrity value', async () => {
    const bundle = await getClientBundle();
    expect(bundle.url).toMatch(/^\/_pagebound\/client\.[0-9a-f]{12}\.js$/);
    const { createHash } = await import('node:crypto');
    expect(bundle.integrity).toBe(`sha256-${createHash('sha256').update(bundle.code).digest('base64')}`);
  });
});
