import { describe, expect, it } from 'vitest';
import { routeChanges } from '../../../src/dev/route-changes.js';
import { buildRouteTable } from '../../../src/routing/route-table.js';

describe('routeChanges: the lines pagebound dev prints when the route table changes', () => {
  it('lists removed routes with - and added ones with +', () => {
    const before = buildRouteTable(['index.page.ts', 'about.page.ts', 'echo.socket.ts']);
    const after = buildRouteTable(['index.page.ts', 'users/[id].page.ts', 'echo.socket.ts']);
    const lines = routeChanges(before, after);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\s+- page\s+\/about\s+pages\/about\.page\.ts$/);
    expect(lines[1]).toMatch(/^\s+\+ page\s+\/users\/:id\s+pages\/users\/\[id\]\.page\.ts$/);
  });

  it('is empty when nothing changed', () => {
    const table = buildRouteTable(['index.page.ts']);
    expect(routeChanges(table, buildRouteTable(['index.page.ts']))).toEqual([]);
  });

  it('shows a page that moved to another file as removed and added', () => {
    const lines = routeChanges(buildRouteTable(['about.page.ts']), buildRouteTable(['about/index.page.ts']));
    expect(lines.map((l) => l.trim()[0])).toEqual(['-', '+']);
  });
});
