/**
 * What changed between two route tables, as the lines `pagebound dev` prints when pages come and go.
 */
import type { RouteEntry } from '../routing/route-table.js';

const line = (sign: string, r: RouteEntry) => `  ${sign} ${r.kind === 'page' ? 'page  ' : 'socket'} ${r.url.padEnd(24)} pages/${r.file}`;

export function routeChanges(before: readonly RouteEntry[], after: readonly RouteEntry[]): string[] {
  const key = (r: RouteEntry) => `${r.kind} ${r.url} ${r.file}`;
  const old = new Set(before.map(key));
  const now = new Set(after.map(key));
  return [
    ...before.filter((r) => !now.has(key(r))).map((r) => line('-', r)),
    ...after.filter((r) => !old.has(key(r))).map((r) => line('+', r)),
  ];
}
