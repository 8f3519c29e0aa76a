/**
 * The public types are the API: the declarations an application gets from `pagebound` (emitted from
 * src/index.ts, as a compiled build ships them) reach no internal module — the runtime, the registry,
 * page instances, the module loader, the protocol channel or a transport — and export exactly the
 * names below. A consumer compiled against those declarations cannot name an internal type.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ts from 'typescript';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../helpers/temp-pages.js';
import * as api from '../../src/index.js';
import { scratchCopy, tsc } from './tsc.js';

const VALUES = ['createServer', 'defineConfig', 'definePage', 'defineSocket', 'errors', 'list', 'loading', 'pagebound'];
const TYPES = [
  'AsyncJob', 'AsyncKeys', 'AsyncOutcome', 'AsyncValue', 'AsyncWork', 'Cleanup', 'ListDeclaration', 'ListDeclarations', 'LiveList', 'LoadWork', 'ClientContract', 'DefinedPage', 'DefinedSocket', 'EmitSchemas', 'EventContext', 'EventHandler', 'EventMap', 'Page',
  'PageDefiner', 'PageDefinition', 'PageboundConfig', 'PageboundOptions', 'Params', 'PubSub', 'Redirect', 'RedirectOptions',
  'ReceivedFile', 'RequestContext', 'ServerOptions', 'SocketDefinition', 'UploadEvent', 'UploadOptions', 'UploadedFile', 'ValidatedEvent',
];
const INTERNAL = [
  'runtime', 'page/registry', 'page/page-instance', 'page/module-loader', 'page/mailbox', 'page/create-instance',
  'protocol/channel', 'transport/', 'render/', 'routing/', 'session/', 'dev/',
];

let out: ReturnType<typeof scratchCopy>;
let dts: string;
beforeAll(() => {
  out = scratchCopy(path.join(import.meta.dirname, 'fixtures', 'consumer'), 'public-api');
  const config = ts.parseJsonConfigFileContent(
    JSON.parse(readFileSync(path.join(REPO, 'tsconfig.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '')),
    ts.sys,
    REPO,
  );
  const program = ts.createProgram([path.join(REPO, 'src', 'index.ts')], {
    ...config.options, noEmit: false, declaration: true, emitDeclarationOnly: true, rootDir: REPO, outDir: path.join(out.dir, 'dts'),
  });
  const emitted = program.emit();
  expect(emitted.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  dts = path.join(out.dir, 'dts', 'src');
}, 120_000);
afterAll(() => out?.remove());

/** Every declaration file reachable from index.d.ts through its imports and re-exports. */
function closure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (fileName.startsWith('.')) visit(path.resolve(path.dirname(file), fileName.replace(/\.js$/, '.d.ts')));
    }
  };
  visit(entry);
  return [...seen].map((f) => path.relative(dts, f).replace(/\.d\.ts$/, '')).sort();
}

describe('public API', () => {
  it('the declarations of src/index.ts reach no internal module', () => {
    const reached = closure(path.join(dts, 'index.d.ts'));
    expect(reached).toContain('page/define-page');
    for (const file of reached) {
      for (const internal of INTERNAL) expect(file.startsWith(internal), `${file} is internal`).toBe(false);
    }
  });

  it('exports exactly the documented names, values and types', () => {
    expect(Object.keys(api).sort()).toEqual(VALUES);
    const program = ts.createProgram([path.join(dts, 'index.d.ts')], { skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext });
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(path.join(dts, 'index.d.ts'))!;
    const names = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!).map((s) => s.name).sort();
    expect(names).toEqual([...VALUES, ...TYPES].sort());
  });

  it('a consumer compiled against the declarations cannot reach internals (app.pagebound, PageInstance)', { timeout: 120_000 }, () => {
    writeFileSync(path.join(out.dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true,
        types: ['node'], paths: { pagebound: ['./dts/src/index.d.ts'] },
      },
      files: ['consumer.ts'],
    }));
    const result = tsc(out.dir);
    expect(result.errors).toEqual([]);
  });
});
