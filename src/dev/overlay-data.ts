/**
 * What the browser's error overlay shows for a server-side error: the author's file:line:column
 * (relative to the project folder), the lines around it, the message and, for code errors, the
 * stack. Sent only in dev, only to the page's own session.
 */
import path from 'node:path';
import type { DevError } from '../protocol/dev-events.js';
import { locateInPages, sourceFrame, type SourceLocation } from '../render/error-page.js';

export function toDevError(err: unknown, kind: DevError['kind'], key: string, pagesDir: string): DevError {
  const e = err as { code?: unknown; message?: unknown; stack?: unknown; file?: unknown; line?: unknown; column?: unknown };
  const loc = locationOf(e, pagesDir);
  return {
    key,
    kind,
    code: typeof e?.code === 'string' ? e.code : 'Error',
    message: String(e?.message ?? err),
    ...(loc
      ? { file: path.relative(process.cwd(), loc.file), line: loc.line, column: loc.column, frame: sourceFrame(loc.file, loc.line) }
      : {}),
    // A syntax error's stack is the compiler's, not the author's.
    ...(kind !== 'template' && kind !== 'routes' && typeof e?.stack === 'string' ? { stack: e.stack } : {}),
  };
}

function locationOf(e: { file?: unknown; line?: unknown; column?: unknown }, pagesDir: string): SourceLocation | undefined {
  // PB_ERR_TEMPLATE_SYNTAX carries its template's location (relative to the pages folder).
  if (typeof e?.file === 'string' && typeof e.line === 'number') {
    return { file: path.resolve(pagesDir, e.file), line: e.line, column: typeof e.column === 'number' ? e.column : 1 };
  }
  return locateInPages(e, pagesDir);
}
