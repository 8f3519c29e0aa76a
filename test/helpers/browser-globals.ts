/**
 * The few browser globals the runtime's reconnect logic touches, stubbed for Node: window events
 * (`online`), `document` visibility, `sessionStorage`, `navigator` and a `WebSocket` constructor.
 * Call `installBrowser()` in `beforeEach`; `vi.unstubAllGlobals()` in `afterEach` removes them.
 */
import { vi } from 'vitest';

export interface FakeBrowser {
  /** Fires a window event (`online`). */
  fire(type: string): void;
  /** Sets `document.visibilityState` and fires `visibilitychange`. */
  show(state: 'visible' | 'hidden'): void;
  storage: Map<string, string>;
  navigator: { onLine: boolean; sendBeacon: ReturnType<typeof vi.fn> };
}

export function installBrowser(opts: { webSocket?: boolean; storageThrows?: boolean } = {}): FakeBrowser {
  const win = new EventTarget();
  const doc = Object.assign(new EventTarget(), { visibilityState: 'hidden' as 'visible' | 'hidden' });
  const storage = new Map<string, string>();
  const navigator = { onLine: true, sendBeacon: vi.fn(() => true) };
  vi.stubGlobal('addEventListener', win.addEventListener.bind(win));
  vi.stubGlobal('removeEventListener', win.removeEventListener.bind(win));
  vi.stubGlobal('document', doc);
  vi.stubGlobal('navigator', navigator);
  vi.stubGlobal(
    'sessionStorage',
    opts.storageThrows
      ? {
          getItem: () => {
            throw new DOMException('denied', 'SecurityError');
          },
          setItem: () => {
            throw new DOMException('denied', 'SecurityError');
          },
        }
      : { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, String(v)) },
  );
  vi.stubGlobal('WebSocket', opts.webSocket === false ? undefined : class WebSocket {});
  return {
    fire: (type) => win.dispatchEvent(new Event(type)),
    show(state) {
      doc.visibilityState = state;
      doc.dispatchEvent(new Event('visibilitychange'));
    },
    storage,
    navigator,
  };
}
