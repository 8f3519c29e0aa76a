import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as errors from '../../src/errors.js';
import * as api from '../../src/index.js';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../helpers/temp-pages.js';

const walk = (dir: string): string[] => readdirSync(dir).flatMap((n) => {
  const p = path.join(dir, n);
  return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
});
const sources = [...walk(path.join(REPO, 'src')), ...walk(path.join(REPO, 'runtime-client'))];

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

  it.each(codes)('%s is raised somewhere in pagebound (no documented code that never happens)', (code) => {
    const raised = sources.filter((file) => !/src\/(errors|protocol\/refusals)\.ts$/.test(file)).some((file) => {
      const text = readFileSync(file, 'utf8');
      return new RegExp(`\\b${code}\\b`).test(text);
    });
    expect(raised).toBe(true);
  });
});
