/**
 * Turns page file paths into routes. Pure: it takes paths relative to the pages folder (posix
 * separators) and returns the table, so the rules can be tested on plain lists.
 *
 * Rules: `index` names its folder; `[id]` is a parameter; `[...rest]` is a catch-all that must be
 * last; files or folders starting with `_` are private (layouts, error pages, partials) and never
 * routed. Static segments win over parameters and parameters over catch-alls (Fastify's router
 * orders them so). Two files that map to one route are an error naming both.
 */
import { PB_ERR_ROUTE_CONFLICT, PB_ERR_ROUTE_INVALID } from '../errors.js';

export type RouteKind = 'page' | 'socket';

export interface RouteEntry {
  kind: RouteKind;
  /** Path of the module, relative to the pages folder, posix separators. */
  file: string;
  /** Fastify route pattern: `/users/:id`, `/docs/*`. */
  url: string;
  /** Parameter names in order; a catch-all's name is last. */
  params: string[];
  /** Name of the catch-all parameter, when the route has one. */
  catchAll?: string;
}

const SUFFIXES: ReadonlyArray<[string, RouteKind]> = [
  ['.page.ts', 'page'], ['.page.js', 'page'], ['.page.mts', 'page'], ['.page.mjs', 'page'],
  ['.socket.ts', 'socket'], ['.socket.js', 'socket'], ['.socket.mts', 'socket'], ['.socket.mjs', 'socket'],
];
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const STATIC_SEGMENT = /^[A-Za-z0-9._~!$&'()*+,;=@-]+$/;

/** The route kind of a file, or null when it is not a page or socket module. */
export function routeKindOf(file: string): { kind: RouteKind; stem: string } | null {
  for (const [suffix, kind] of SUFFIXES) {
    if (file.endsWith(suffix)) return { kind, stem: file.slice(0, -suffix.length) };
  }
  return null;
}

function toRoute(file: string): RouteEntry | null {
  const match = routeKindOf(file);
  if (!match) return null;
  const segments = match.stem.split('/');
  if (segments.some((s) => s.startsWith('_') || s.startsWith('.'))) return null;
  if (segments[segments.length - 1] === 'index') segments.pop();

  const params: string[] = [];
  let catchAll: string | undefined;
  const parts = segments.map((segment, i) => {
    const rest = /^\[\.\.\.(.*)\]$/.exec(segment);
    if (rest) {
      if (i !== segments.length - 1) throw new PB_ERR_ROUTE_INVALID(file, 'a [...catch-all] must be the last segment');
      if (!IDENT.test(rest[1]!)) throw new PB_ERR_ROUTE_INVALID(file, `"${rest[1]}" is not a valid parameter name`);
      catchAll = rest[1]!;
      params.push(catchAll);
      return '*';
    }
    const param = /^\[(.*)\]$/.exec(segment);
    if (param) {
      if (!IDENT.test(param[1]!)) throw new PB_ERR_ROUTE_INVALID(file, `"${param[1]}" is not a valid parameter name`);
      if (params.includes(param[1]!)) throw new PB_ERR_ROUTE_INVALID(file, `the parameter "${param[1]}" appears twice`);
      params.push(param[1]!);
      return `:${param[1]}`;
    }
    if (!STATIC_SEGMENT.test(segment) || segment.includes('[') || segment.includes(']')) {
      throw new PB_ERR_ROUTE_INVALID(file, `the segment "${segment}" mixes text and [brackets] or has characters a URL cannot hold`);
    }
    return segment;
  });
  return { kind: match.kind, file, url: '/' + parts.join('/'), params, catchAll };
}

/** Two routes clash when they match the same URLs, whatever their parameter names. */
const shapeOf = (r: RouteEntry) => `${r.kind} ${r.url.replace(/:[^/]+/g, ':')}`;

/** Builds the sorted route table from page file paths; throws PB_ERR_ROUTE_CONFLICT on a clash. */
export function buildRouteTable(files: readonly string[]): RouteEntry[] {
  const seen = new Map<string, RouteEntry>();
  for (const file of [...files].sort()) {
    const route = toRoute(file);
    if (!route) continue;
    const prior = seen.get(shapeOf(route));
    if (prior) throw new PB_ERR_ROUTE_CONFLICT(route.url, prior.file, route.file);
    seen.set(shapeOf(route), route);
  }
  return [...seen.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.url.localeCompare(b.url));
}
