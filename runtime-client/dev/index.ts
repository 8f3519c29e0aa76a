/**
 * Entry of the dev-only bundle (`/_pagebound/dev.<hash>.js`, served by `pagebound dev` only). It
 * loads before the runtime and leaves a hook the runtime calls with the page's socket as soon as
 * it exists, so no dev event can arrive before its listener.
 */
import { DEV_HOOK, DevEvent, type DevClear, type DevCss, type DevError, type DevHtml } from '../../src/protocol/dev-events.js';
import { createOverlay } from './overlay.js';
import { morphPage, swapStylesheet } from './hot.js';

declare global {
  interface Window {
    [DEV_HOOK]?: (socket: EventTarget) => void;
  }
}

window[DEV_HOOK] = (socket) => {
  const overlay = createOverlay();
  const data = <T>(e: Event) => (e as MessageEvent<T>).data;
  socket.addEventListener(DevEvent.html, (e) => morphPage(data<DevHtml>(e).html));
  socket.addEventListener(DevEvent.reload, () => location.reload());
  socket.addEventListener(DevEvent.css, (e) => swapStylesheet(data<DevCss>(e).href) || location.reload());
  socket.addEventListener(DevEvent.error, (e) => overlay.show(data<DevError>(e)));
  socket.addEventListener(DevEvent.clear, (e) => overlay.clear(data<DevClear | undefined>(e)?.keys));
  // Tells tools (and tests) that updates will reach this tab, on pages with no socket API too.
  const mark = (on: boolean) => () => document.documentElement.toggleAttribute('data-pb-dev', on);
  for (const type of ['open', 'resume']) socket.addEventListener(type, mark(true));
  for (const type of ['disconnect', 'close']) socket.addEventListener(type, mark(false));
};
