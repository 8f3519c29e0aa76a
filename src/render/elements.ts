/**
 * Finds one element of a rendered page by reading its tags, with the same scanner and the same
 * rule as the regions (src/render/regions.ts): the element, and any element of its name inside it,
 * is closed with its end tag; comments and raw text (script, style, textarea, title) are skipped.
 */
import { RAW_TEXT, TAG, VOID } from './regions.js';

/** An element: `start` of its start tag, `inner` just past it, `close` at its end tag, `end` past that. */
export interface Found { tag: string; attrs: string; start: number; inner: number; close: number; end: number }

/**
 * The first element at or after `from` whose start tag `match`es, with where it ends; undefined when
 * none does. An element left open ends where the text does.
 */
export function findElement(html: string, match: (tag: string, attrs: string) => boolean, from = 0): Found | undefined {
  const re = new RegExp(TAG.source, 'g');
  const lower = html.toLowerCase();
  re.lastIndex = from;
  let m: RegExpExecArray | null;
  let open: { tag: string; attrs: string; start: number; inner: number; depth: number } | undefined;
  while ((m = re.exec(html))) {
    const [whole, slash, rawTag, attrs = '', selfClose] = m;
    if (!rawTag) continue;
    const tag = rawTag.toLowerCase();
    if (slash) {
      if (open && tag === open.tag && --open.depth === 0) {
        return { tag, attrs: open.attrs, start: open.start, inner: open.inner, close: m.index, end: m.index + whole.length };
      }
      continue;
    }
    if (RAW_TEXT.has(tag)) {
      const endTag = lower.indexOf(`</${tag}`, re.lastIndex);
      re.lastIndex = endTag < 0 ? html.length : endTag;
    }
    if (open) {
      if (tag === open.tag && !VOID.has(tag) && !selfClose) open.depth++;
      continue;
    }
    if (!match(tag, attrs)) continue;
    const inner = m.index + whole.length;
    if (VOID.has(tag) || selfClose) return { tag, attrs, start: m.index, inner, close: inner, end: inner };
    open = { tag, attrs, start: m.index, inner, depth: 1 };
  }
  return open && { tag: open.tag, attrs: open.attrs, start: open.start, inner: open.inner, close: html.length, end: html.length };
}
