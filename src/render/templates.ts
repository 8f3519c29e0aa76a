/**
 * Eta, set up for pages: templates live beside their pages under the pages folder, output is
 * escaped unless the template says `<%~ raw %>`, compiled templates are cached in production and
 * re-read on every render in dev. The nearest `_layout.eta` up the folder tree wraps a page. A
 * template that does not compile fails with PB_ERR_TEMPLATE_SYNTAX at its file, line and column,
 * and a render can report every template file it read (page, layout, partials) for the dev loop.
 */
import { Eta, EtaParseError } from 'eta';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PB_ERR_TEMPLATE_MISSING } from '../errors.js';
import type { PageDefinition } from '../page/define-page.js';
import { locateSyntaxError, templateSyntaxError } from './template-syntax.js';

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
  /** The files the render in progress read, when its caller asked (renders are synchronous). */
  #reading: Set<string> | undefined;

  constructor(root: string, dev: boolean) {
    this.#root = root;
    this.#dev = dev;
    const eta = (this.eta = new Eta({ views: root, cache: !dev, autoEscape: true, debug: dev, cacheFilepaths: !dev }));
    const resolve = eta.resolvePath.bind(eta);
    eta.resolvePath = (template, options) => {
      const file = resolve(template, options);
      this.#reading?.add(this.#relative(file));
      return file;
    };
    const compile = eta.compile.bind(eta);
    eta.compile = (source, options) => {
      try {
        return compile(source, options);
      } catch (err) {
        if (!(err instanceof EtaParseError)) throw err;
        const file = options?.filepath ? this.#relative(options.filepath) : '(inline template)';
        const compiled = () => {
          const debug = eta.config.debug;
          eta.config.debug = true;
          try { return eta.compileToString(source, options); } finally { eta.config.debug = debug; }
        };
        throw templateSyntaxError(file, locateSyntaxError(err, source, compiled));
      }
    };
  }

  #relative(file: string): string {
    return path.relative(this.#root, file).split(path.sep).join('/');
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

  /**
   * Compiles the page's template and layout without rendering: a syntax error throws
   * PB_ERR_TEMPLATE_SYNTAX at its file and line (start-up and `pagebound build`).
   */
  check(choice: TemplateChoice): void {
    const files = 'file' in choice.template ? [choice.template.file] : [];
    if (choice.layout) files.push(choice.layout);
    if ('inline' in choice.template) this.eta.compile(choice.template.inline);
    for (const file of files) {
      const filepath = path.join(this.#root, file);
      this.eta.compile(this.eta.readFile(filepath), { filepath });
    }
  }

  /** Renders a page; `reads`, when given, receives every template file the render read. */
  render(choice: TemplateChoice, data: Record<string, unknown>, reads?: Set<string>): string {
    const outer = this.#reading;
    this.#reading = reads;
    try {
      return this.#render(choice, data);
    } finally {
      this.#reading = outer;
    }
  }

  /** Whether a template file (relative to the pages folder) exists. */
  exists(file: string): boolean {
    return existsSync(path.join(this.#root, file));
  }

  /** Renders one template file (relative to the pages folder) with `data` as `it`: a list's item. */
  renderPartial(file: string, data: unknown): string {
    return this.eta.render(file, data as object);
  }

  #render(choice: TemplateChoice, data: Record<string, unknown>): string {
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
