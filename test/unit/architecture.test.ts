/**
 * The shape issue #8 set: imports follow the data flow one way (transport → endpoint → page, and
 * protocol/ depends on nothing), the browser runtime shares only protocol/ with the server, and no
 * frame becomes text or is parsed from text outside the codec.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../helpers/temp-pages.js';

function files(dir: string): string[] {
  return readdirSync(path.join(REPO, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    return statSync(path.join(REPO, rel)).isDirectory() ? files(rel) : rel.endsWith('.ts') ? [rel] : [];
  });
}

/** The repo-relative files `file` imports (relative imports only). */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(REPO, file), 'utf8');
  return [...text.matchAll(/^(?:import|export)[^'"]*from\s+'(\.[^']+)'/gm)].map((m) =>
    path.join(path.dirname(file), m[1]!.replace(/\.js$/, '.ts')));
}

const layer = (file: string) => file.split(path.sep).slice(0, 2).join('/');

describe('architecture', () => {
  it('protocol/ imports nothing outside itself and no node:* module (the browser bundles it)', () => {
    for (const file of files('src/protocol')) {
      expect(importsOf(file).filter((i) => !i.startsWith('src/protocol/')), file).toEqual([]);
      expect(readFileSync(path.join(REPO, file), 'utf8'), file).not.toMatch(/from 'node:/);
    }
  });

  it('page/ and endpoint/ never import transport/, and page/ never imports endpoint/', () => {
    for (const file of files('src/page')) {
      expect(importsOf(file).filter((i) => /^src\/(transport|endpoint)\//.test(i)), file).toEqual([]);
    }
    for (const file of files('src/endpoint')) {
      expect(importsOf(file).filter((i) => i.startsWith('src/transport/')), file).toEqual([]);
    }
  });

  it('the browser runtime shares only protocol/ with the server', () => {
    for (const file of files('runtime-client')) {
      const shared = importsOf(file).filter((i) => i.startsWith('src/'));
      expect(shared.filter((i) => layer(i) !== 'src/protocol'), file).toEqual([]);
    }
  });

  it('no frame is stringified or parsed outside the codec', () => {
    const wire = [...files('src/transport'), ...files('src/endpoint'), ...files('runtime-client/transports'), 'runtime-client/channel.ts'];
    for (const file of wire) {
      expect(readFileSync(path.join(REPO, file), 'utf8'), file).not.toMatch(/JSON\.(parse|stringify)/);
    }
  });
});
