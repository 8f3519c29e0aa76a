/**
 * The dev loop's reserved event names and payloads. They travel as ordinary `ev` frames on the
 * page's own live connection (docs/protocol.md), so dev mode adds no frame type, endpoint or port.
 * No `node:*` imports: the browser's dev bundle imports this file.
 */

export const DevEvent = {
  /** The page's new HTML (template, layout or partial saved): morph the body in place. */
  html: 'pb:dev:html',
  /** Reload the tab (a page module whose state no longer fits, or a file with no hot path). */
  reload: 'pb:dev:reload',
  /** A stylesheet in `public/` changed: re-link it. */
  css: 'pb:dev:css',
  /** Show an error in the overlay. */
  error: 'pb:dev:error',
  /** Take errors off the overlay: the file was fixed. */
  clear: 'pb:dev:clear',
} as const;

export interface DevHtml { html: string }
export interface DevReload { reason: string }
export interface DevCss { href: string }

/** One error in the overlay. `key` groups what one fix clears (a file, or the route table). */
export interface DevError {
  key: string;
  kind: 'template' | 'module' | 'handler' | 'routes';
  code: string;
  message: string;
  /** The author's file, relative to the project folder, with 1-based line and column. */
  file?: string;
  line?: number;
  column?: number;
  /** The lines around `line`, each with its number; `mark` on the failing one. */
  frame?: Array<{ n: number; text: string; mark?: boolean }>;
  stack?: string;
}

/** `keys` absent: clear everything. */
export interface DevClear { keys?: string[] }

/** The global the dev bundle defines and the runtime calls with the page's socket. */
export const DEV_HOOK = '__pagebound_dev';
