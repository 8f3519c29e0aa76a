/**
 * Who imports whom among the files of a pages folder, as the dev module hooks report it. An edit
 * invalidates the edited file and everything that imports it, directly or not — nothing else, so a
 * store in `pages/_lib/` keeps its one instance while the pages around it change.
 */
export class ModuleGraph {
  /** file → the files that import it. */
  readonly #importers = new Map<string, Set<string>>();
  /** file → the files it imports. */
  readonly #imports = new Map<string, Set<string>>();

  addEdge(parent: string, child: string): void {
    if (parent === child) return;
    let up = this.#importers.get(child);
    if (!up) this.#importers.set(child, (up = new Set()));
    up.add(parent);
    let down = this.#imports.get(parent);
    if (!down) this.#imports.set(parent, (down = new Set()));
    down.add(child);
  }

  /** The files that import `file`, directly. */
  importersOf(file: string): ReadonlySet<string> {
    return this.#importers.get(file) ?? new Set();
  }

  /** `files` and every file that imports one of them, through any chain (cycles included). */
  affectedBy(files: Iterable<string>): Set<string> {
    const out = new Set<string>();
    const queue = [...files];
    while (queue.length) {
      const file = queue.pop()!;
      if (out.has(file)) continue;
      out.add(file);
      for (const parent of this.#importers.get(file) ?? []) queue.push(parent);
    }
    return out;
  }

  /**
   * Forgets what `file` imports: its next version re-reports its imports, so an import the edit
   * removed stops tying the two files together.
   */
  forgetImportsOf(file: string): void {
    for (const child of this.#imports.get(file) ?? []) this.#importers.get(child)?.delete(file);
    this.#imports.delete(file);
  }
}
