/**
 * Eta, set up for pages: templates live beside their pages under the pages folder, output is
 * escaped unless the template says `<%~ raw %>`, compiled templates are cached in production and
 * re-read on every render in dev. The nearest `_layout.eta` up the folder tree wraps a page.
 */
import { Eta } from 'eta';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PB_ERR_TEMPLATE_MISSING } from '../errors.js';
import type { PageDefinition } from '../page/define-page.js';

export interface TemplateChoice {
  /** Template path relative to the pages folder, or inline source. */
  template: { file: string } | { inline: string };
  /** Layout path relative to the pages folder, if any. */
  layout: string | undefined;
}

export class Templates {
  readonly eta: Eta;
  readonly #root: string;
  readonly #dev: boolean;
  readonly #choices = new Map<string, TemplateChoice>();
  /** Compiled inline templates: renderString would compile the same source on every request. */
  readonly #inline = new Map<string, ReturnType<Eta['compile']>>();

  constructor(root: string, dev: boolean) {
    this.#root = root;
    this.#dev = dev;
    this.eta = new Eta({ views: root, cache: !dev, autoEscape: true, debug: dev, cacheFilepaths: !dev });
  }

  /** Which template and layout render the page at `file` (relative to the pages folder). */
  choose(file: string, def: Pick<PageDefinition<unknown>, 'template' | 'inline' | 'layout'>): TemplateChoice {
    const key = file;
    const cached = this.#dev ? undefined : this.#choices.get(key);
    if (cached) return cached;
    const dir = path.posix.dirname(file);
    let template: TemplateChoice['template'];
    if (def.inline !== undefined) template = { inline: def.inline };
    else {
      const rel = def.template
        ? path.posix.normalize(path.posix.join(dir, def.template))
        : file.replace(/\.(page|socket)\.m?[tj]s$/, '.eta');
      if (!existsSync(path.join(this.#root, rel))) throw new PB_ERR_TEMPLATE_MISSING(file, rel);
      template = { file: rel };
    }
    let layout: string | undefined;
    if (typeof def.layout === 'string') layout = path.posix.normalize(path.posix.join(dir, def.layout));
    else if (def.layout !== false) layout = this.nearestLayout(dir);
    const choice = { template, layout };
    if (!this.#dev) this.#choices.set(key, choice);
    return choice;
  }

  /** The closest `_layout.eta` from `dir` up to the pages folder. */
  nearestLayout(dir: string): string | undefined {
    let current = dir === '.' ? '' : dir;
    for (;;) {
      const candidate = current ? `${current}/_layout.eta` : '_layout.eta';
      if (existsSync(path.join(this.#root, candidate))) return candidate;
      if (!current) return undefined;
      current = current.includes('/') ? current.slice(0, current.lastIndexOf('/')) : '';
    }
  }

  /** A template at the root of the pages folder, such as `_404.eta`, when the author wrote one. */
  rootTemplate(name: string): string | undefined {
    return existsSync(path.join(this.#root, name)) ? name : undefined;
  }

  render(choice: TemplateChoice, data: Record<string, unknown>): string {
    let body: string;
    if ('inline' in choice.template) {
      const source = choice.template.inline;
      let fn = this.#inline.get(source);
      if (!fn) this.#inline.set(source, (fn = this.eta.compile(source)));
      body = this.eta.render(fn, data);
    } else {
      body = this.eta.render(choice.template.file, data);
    }
    if (!choice.layout) return body;
    return this.eta.render(choice.layout, { ...data, body });
  }
}
