/**
 * Splits a rendered page into its redraw regions and finds which ones changed between two renders,
 * so a redraw sends only those (docs/protocol.md §2.3). A region is an element carrying
 * `data-pb-region="name"`; the body is the region named `""`. Each region has a *skeleton*: its HTML
 * with every region directly inside it cut down to a placeholder. A region whose skeleton is
 * unchanged is not sent; only the regions inside it that changed are. A region added, removed or
 * moved changes its parent's skeleton, so the parent is sent whole.
 *
 * This is not an HTML parser: it reads the tags of the page's own template output, where every
 * value is escaped, and asks that a region's element (and any element of the same name inside it)
 * is closed with its end tag. Comments and the text of script, style, textarea and title are skipped.
 */
import { REGION_ATTR, REGION_NAME_RE } from '../protocol/constants.js';

export interface Region {
  /** The region's element, start tag to end tag (for `""`, the body element, or the whole page without one). */
  html: string;
  /** `html` with each child region replaced by a placeholder. */
  skeleton: string;
  /** Names of the regions directly inside, in document order. */
  children: string[];
}

/** Every region of one rendering, by name; `""` is the root. */
export type Regions = Map<string, Region>;

/** A comment, or a start or end tag: `[whole, '/' of an end tag, name, attributes, '/' of a self-closing tag]`. */
export const TAG = /<!--[\s\S]*?(?:-->|$)|<(\/?)([A-Za-z][A-Za-z0-9:-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*(\/?)>/g;
export const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title']);
export const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const attributeRe = (name: string): RegExp => new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, 'i');
const REGION_ATTR_RE = attributeRe(REGION_ATTR);

/** The value of attribute `name` among a start tag's `attrs` as written (still escaped); undefined when absent or bare. */
export function attributeOf(attrs: string, name: string | RegExp): string | undefined {
  const m = (typeof name === 'string' ? attributeRe(name) : name).exec(attrs);
  return m ? m[1] ?? m[2] ?? m[3] ?? '' : undefined;
}

interface Open { name: string; tag: string; depth: number; start: number; children: Array<{ name: string; start: number; end: number }> }

/**
 * The regions of `html`. When two regions share a name, which one changed cannot be told apart: the
 * page is then one region, the body, and every redraw sends it whole.
 */
export function splitRegions(html: string): Regions {
  const regions = findRegions(html);
  if (regions) return regions;
  const root = rootOf(html);
  const whole = html.slice(root.start, root.end);
  return new Map([['', { html: whole, skeleton: whole, children: [] }]]);
}

/** Where the body element is (found past any raw text, where "<body" is only text), else the whole page. */
function rootOf(html: string): { start: number; end: number; inner: number } {
  const lower = html.toLowerCase();
  const re = new RegExp(TAG.source, 'g');
  let m: RegExpExecArray | null;
  while ((m = re.exec(html))) {
    const tag = m[2]?.toLowerCase();
    if (!tag || m[1]) continue;
    if (tag === 'body') {
      const inner = lower.lastIndexOf('</body>');
      if (inner > m.index) return { start: m.index, end: inner + '</body>'.length, inner };
      break;
    }
    if (RAW_TEXT.has(tag)) {
      const endTag = lower.indexOf(`</${tag}`, re.lastIndex);
      re.lastIndex = endTag < 0 ? html.length : endTag;
    }
  }
  return { start: 0, end: html.length, inner: html.length };
}

function findRegions(html: string): Regions | null {
  const { start: rootStart, end: rootEnd, inner: rootInner } = rootOf(html);
  const lower = html.toLowerCase();
  const out: Regions = new Map();
  const stack: Open[] = [{ name: '', tag: '', depth: 1, start: rootStart, children: [] }];
  const close = (open: Open, end: number): boolean => {
    const { name, start, children } = open;
    let skeleton = '';
    let at = start;
    for (const c of children) {
      skeleton += html.slice(at, c.start) + `<!--pb:${c.name}-->`;
      at = c.end;
    }
    skeleton += html.slice(at, end);
    if (out.has(name)) return false;
    out.set(name, { html: html.slice(start, end), skeleton, children: children.map((c) => c.name) });
    return true;
  };

  TAG.lastIndex = rootStart;
  let m: RegExpExecArray | null;
  while ((m = TAG.exec(html)) && m.index < rootInner) {
    const [whole, slash, rawTag, attrs = '', selfClose] = m;
    if (!rawTag) continue; // a comment
    const tag = rawTag.toLowerCase();
    const top = stack[stack.length - 1]!;
    if (slash) {
      if (top.tag === tag && --top.depth === 0) {
        stack.pop();
        const end = m.index + whole.length;
        if (!close(top, end)) return null;
        stack[stack.length - 1]!.children.push({ name: top.name, start: top.start, end });
      }
      continue;
    }
    if (RAW_TEXT.has(tag)) {
      const endTag = lower.indexOf(`</${tag}`, TAG.lastIndex);
      TAG.lastIndex = endTag < 0 ? html.length : endTag;
    }
    if (VOID.has(tag) || selfClose) continue;
    if (top.tag === tag) top.depth++;
    const name = attributeOf(attrs, REGION_ATTR_RE);
    // A name the wire cannot carry (empty, too long, a space from user data) is no region: its
    // markup belongs to the region around it.
    if (name && REGION_NAME_RE.test(name)) stack.push({ name, tag, depth: 1, start: m.index, children: [] });
  }
  // Regions left open (an end tag the browser would have implied) end where the body does.
  while (stack.length > 1) {
    const open = stack.pop()!;
    if (!close(open, rootInner)) return null;
    stack[stack.length - 1]!.children.push({ name: open.name, start: open.start, end: rootInner });
  }
  if (!close(stack[0]!, rootEnd)) return null;
  return out;
}

/**
 * The `[name, html]` pairs that bring a page showing `before` to `after`: the outermost regions whose
 * own markup changed. Empty when nothing did. With no `before`, the whole body.
 */
export function changedRegions(before: Regions | undefined, after: Regions): Array<[string, string]> {
  const root = after.get('')!;
  if (!before) return [['', root.html]];
  const out: Array<[string, string]> = [];
  const visit = (name: string): void => {
    const next = after.get(name)!;
    const prev = before.get(name);
    if (!prev || prev.skeleton !== next.skeleton) {
      out.push([name, next.html]);
      return;
    }
    for (const child of next.children) visit(child);
  };
  visit('');
  return out;
}
