/**
 * Error and not-found pages. In dev the page shows the message, the author's file:line with the
 * lines around it, and the stack; in production only the status, never internals. Authors can
 * replace either with `_404.eta` / `_error.eta` at the root of the pages folder.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

export interface SourceLocation { file: string; line: number; column: number }

/** The first place in the error's message or stack that lies inside the pages folder. */
export function locateInPages(err: unknown, pagesDir: string): SourceLocation | undefined {
  const e = err as { stack?: unknown; message?: unknown };
  const text = `${String(e?.message ?? '')}\n${String(e?.stack ?? '')}`;
  const re = /(?:file:\/\/)?((?:\/|[A-Za-z]:\\)[^\s():?]+?)(?:\?[^\s:)]*)?:(\d+)(?::(\d+))?/g;
  for (const m of text.matchAll(re)) {
    const file = path.resolve(m[1]!);
    if (!file.startsWith(pagesDir + path.sep)) continue;
    return { file, line: Number(m[2]), column: Number(m[3] ?? 1) };
  }
  // Eta names the template relative to the views folder.
  const eta = /(\S+\.eta):(\d+)(?::(\d+))?/.exec(text);
  if (eta) return { file: path.resolve(pagesDir, eta[1]!.replace(/^\/+/, '')), line: Number(eta[2]), column: Number(eta[3] ?? 1) };
  return undefined;
}

/** The lines around `line` of `file` (±3), numbered from 1; empty when the file cannot be read. */
export function sourceFrame(file: string, line: number): Array<{ n: number; text: string; mark?: boolean }> {
  try {
    const lines = readFileSync(file, 'utf8').split('\n');
    const rows: Array<{ n: number; text: string; mark?: boolean }> = [];
    for (let n = Math.max(1, line - 3); n <= Math.min(lines.length, line + 3); n++) {
      rows.push(n === line ? { n, text: lines[n - 1] ?? '', mark: true } : { n, text: lines[n - 1] ?? '' });
    }
    return rows;
  } catch {
    return [];
  }
}

function codeFrame(loc: SourceLocation): string {
  return sourceFrame(loc.file, loc.line)
    .map((r) => `${r.mark ? '>' : ' '} ${String(r.n).padStart(4)} | ${esc(r.text)}`)
    .join('\n');
}

export function devErrorHtml(err: unknown, pagesDir: string, route: string): string {
  const e = err as { message?: unknown; stack?: unknown; code?: unknown };
  const loc = locateInPages(err, pagesDir);
  const where = loc ? `${path.relative(process.cwd(), loc.file)}:${loc.line}:${loc.column}` : 'unknown location';
  return `<!doctype html><html><head><meta charset="utf-8"><title>Error — pagebound</title>
<style>body{font:14px/1.5 system-ui,sans-serif;margin:2rem;color:#222}pre{background:#f6f6f6;padding:1rem;overflow:auto}
.loc{color:#b00}</style></head><body>
<h1>Error in ${esc(route)}</h1>
<p><strong>${esc(String(e?.code ?? 'Error'))}</strong>: ${esc(String(e?.message ?? err))}</p>
<p class="loc" id="pb-error-location">${esc(where)}</p>
${loc ? `<pre id="pb-error-frame">${codeFrame(loc)}</pre>` : ''}
<pre id="pb-error-stack">${esc(String(e?.stack ?? ''))}</pre>
<p><small>This page is shown in dev only; production shows a plain error page.</small></p>
</body></html>`;
}

export function plainErrorHtml(status: number): string {
  const title = status === 404 ? 'Page not found' : 'Something went wrong';
  return `<!doctype html><html><head><meta charset="utf-8"><title>${status} ${title}</title></head>` +
    `<body><h1>${title}</h1><p>Error ${status}.</p></body></html>`;
}
