/**
 * Turns Eta's compile failures into PB_ERR_TEMPLATE_SYNTAX naming the template's file, line and
 * column. Eta reports a tag it cannot parse with its line and column, but JavaScript that is not
 * valid inside `<% %>` only as "Bad template syntax" followed by the compiled function; here that
 * function is compiled again with V8 to find the failing line, which maps back to the template
 * through the `__eta.line=N` markers Eta writes in debug mode.
 */
import vm from 'node:vm';
import { PB_ERR_TEMPLATE_SYNTAX } from '../errors.js';

export interface TemplateSyntaxLocation { line: number; column: number; detail: string }

/** Where in `source` the template failed to compile; `compiled` is Eta's debug-mode function body. */
export function locateSyntaxError(err: Error, source: string, compiled: () => string): TemplateSyntaxLocation {
  const parse = /^(.*?) at line (\d+) col (\d+):/s.exec(err.message);
  if (parse) return { line: Number(parse[2]), column: Number(parse[3]), detail: firstLine(parse[1]!) };

  let body: string;
  try {
    body = compiled();
  } catch {
    return { line: 1, column: 1, detail: firstLine(err.message) };
  }
  let detail = /Bad template syntax\s+([^\n]+)/.exec(err.message)?.[1] ?? firstLine(err.message);
  // V8 names the next thing Eta generated, which the author never wrote: an extra `}` or `)` ended
  // the template's code early.
  if (detail.includes('__eta')) detail = 'unexpected code here, perhaps an extra `}` or `)`';
  // The wrapper adds one line before the body, so the body's first line is line 2.
  const wrapped = `(function (it, options) {\n${body}\n})`;
  let failedAt = 0;
  try {
    new vm.Script(wrapped, { filename: 'eta-template' });
  } catch (e) {
    failedAt = Number(/^eta-template:(\d+)/.exec(String((e as Error).stack))?.[1] ?? 0) - 1;
  }
  const lines = body.split('\n');
  let line = 1;
  for (let i = 0; i < Math.min(failedAt, lines.length); i++) {
    const marker = /^__eta\.line=(\d+)$/.exec(lines[i]!);
    if (marker) line = Number(marker[1]);
  }
  const text = source.split('\n')[line - 1] ?? '';
  const tag = text.indexOf('<%');
  return { line, column: tag >= 0 ? tag + 1 : 1, detail };
}

function firstLine(s: string): string {
  return s.trim().split('\n')[0]!.replace(/[.:\s]+$/, '');
}

/** The typed error for a template at `file` (relative to the pages folder), with its location on it. */
export function templateSyntaxError(file: string, loc: TemplateSyntaxLocation): Error & { file: string; line: number; column: number } {
  return Object.assign(new PB_ERR_TEMPLATE_SYNTAX(file, loc.line, loc.column, loc.detail), { file, line: loc.line, column: loc.column });
}
