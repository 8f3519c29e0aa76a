import { describe, expect, it } from 'vitest';
import { ModuleGraph } from '../../../src/page/module-graph.js';

describe('ModuleGraph', () => {
  const graph = () => {
    const g = new ModuleGraph();
    g.addEdge('a.page.ts', '_lib/util.ts');
    g.addEdge('_lib/util.ts', '_lib/store.ts');
    g.addEdge('b.page.ts', '_lib/store.ts');
    return g;
  };

  it('an edited file affects itself and its importers, transitively, and nothing else', () => {
    const g = graph();
    expect([...g.affectedBy(['_lib/util.ts'])].sort()).toEqual(['_lib/util.ts', 'a.page.ts']);
    expect([...g.affectedBy(['_lib/store.ts'])].sort()).toEqual(['_lib/store.ts', '_lib/util.ts', 'a.page.ts', 'b.page.ts']);
    expect([...g.affectedBy(['c.page.ts'])]).toEqual(['c.page.ts']);
  });

  it('terminates on import cycles', () => {
    const g = graph();
    g.addEdge('_lib/store.ts', '_lib/util.ts');
    expect(g.affectedBy(['_lib/store.ts']).size).toBe(4);
  });

  it('forgets what a file imported, so an import removed by an edit no longer ties the files', () => {
    const g = graph();
    g.forgetImportsOf('b.page.ts');
    expect([...g.importersOf('_lib/store.ts')]).toEqual(['_lib/util.ts']);
    expect([...g.affectedBy(['_lib/store.ts'])].sort()).toEqual(['_lib/store.ts', '_lib/util.ts', 'a.page.ts']);
  });
});
