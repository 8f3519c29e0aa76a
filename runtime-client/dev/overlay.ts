/**
 * The dev error overlay: the message, the author's file:line:column and the lines around it, for
 * template, module, handler and route-table errors. It lives in a shadow root on <html>, outside
 * <body>, so the page's styles do not reach it and an in-place body update does not remove it.
 * Every text goes in through textContent.
 */
import type { DevError } from '../../src/protocol/dev-events.js';

const STYLE = `
:host{all:initial}
.backdrop{position:fixed;inset:0;z-index:2147483647;background:rgba(0,0,0,.55);display:flex;align-items:flex-start;justify-content:center;overflow:auto;font:14px/1.5 system-ui,sans-serif}
.panel{margin:4vh 2vw;max-width:960px;width:100%;background:#fff;color:#222;border-top:6px solid #c0392b;border-radius:6px;box-shadow:0 8px 40px rgba(0,0,0,.4);padding:1rem 1.25rem}
.head{display:flex;justify-content:space-between;gap:1rem;align-items:baseline}
.kind{color:#c0392b;font-weight:600;text-transform:uppercase;font-size:12px;letter-spacing:.05em}
.close{border:0;background:none;font-size:20px;cursor:pointer;color:#555}
.message{font-weight:600;white-space:pre-wrap;margin:.5rem 0}
.location{font-family:ui-monospace,monospace;color:#1a5fb4}
pre{font:12.5px/1.45 ui-monospace,monospace;background:#f6f6f6;padding:.75rem;overflow:auto;margin:.5rem 0}
.mark{background:#fde2e0;display:block}
.stack{color:#666;max-height:14em}
.more{color:#666;font-size:12px}
`;

export interface Overlay {
  show(error: DevError): void;
  clear(keys?: string[]): void;
}

export function createOverlay(): Overlay {
  /** Errors by key, newest last: the overlay shows the newest. */
  const errors = new Map<string, DevError>();
  let host: HTMLElement | undefined;

  const el = (tag: string, cls: string, text?: string): HTMLElement => {
    const e = document.createElement(tag);
    e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };

  const render = (): void => {
    const list = [...errors.values()];
    const error = list[list.length - 1];
    if (!error) {
      host?.remove();
      host = undefined;
      return;
    }
    if (!host) {
      host = document.createElement('pb-dev-overlay');
      host.id = 'pb-dev-overlay';
      host.attachShadow({ mode: 'open' });
      addEventListener('keydown', (e) => e.key === 'Escape' && host?.remove());
    }
    const root = host.shadowRoot!;
    root.replaceChildren();
    const style = document.createElement('style');
    style.textContent = STYLE;
    const backdrop = el('div', 'backdrop');
    const panel = el('div', 'panel');
    panel.setAttribute('role', 'alertdialog');
    const head = el('div', 'head');
    head.append(el('span', 'kind', `${error.kind} error · ${error.code}`));
    const close = el('button', 'close', '×');
    close.setAttribute('aria-label', 'Close');
    close.addEventListener('click', () => host?.remove());
    head.append(close);
    panel.append(head, el('div', 'message', error.message));
    if (error.file) {
      panel.append(el('div', 'location', `${error.file}:${error.line ?? 1}:${error.column ?? 1}`));
    }
    if (error.frame?.length) {
      const pre = el('pre', 'frame');
      const width = String(error.frame[error.frame.length - 1]!.n).length;
      for (const row of error.frame) {
        const line = el('span', row.mark ? 'mark' : '', `${row.mark ? '>' : ' '} ${String(row.n).padStart(width)} | ${row.text}`);
        pre.append(line, row.mark ? '' : '\n');
      }
      panel.append(pre);
    }
    if (error.stack) panel.append(el('pre', 'stack', error.stack));
    if (list.length > 1) panel.append(el('div', 'more', `${list.length - 1} more error(s) below this one`));
    backdrop.append(panel);
    root.append(style, backdrop);
    // On <html>, not <body>: a morph of the body must not take the overlay away.
    if (!host.isConnected) document.documentElement.append(host);
  };

  return {
    show(error) {
      errors.delete(error.key);
      errors.set(error.key, error);
      render();
    },
    clear(keys) {
      if (!keys) errors.clear();
      else for (const k of keys) errors.delete(k);
      render();
    },
  };
}
