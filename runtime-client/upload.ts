/**
 * Files in live forms: a `data-on-submit` form whose `<input type="file">`s hold files sends them
 * over the page's own connection before its event (docs/protocol.md §2.4). It asks the page first
 * (`pb:upload`, checked against the event's limits), then streams the bytes in sequenced `up`
 * frames — within the stream window, resent after a drop like every frame — and then sends the
 * event, naming the upload. No script of the author's: while the bytes go, the form and its file
 * inputs carry `pb-uploading` and `--pb-progress` (0 to 1), and the form fires
 * `pb:upload-progress` (`detail: { loaded, total }`); a refusal fires `pb:upload-error`
 * (`detail: { code, message }`), and one about the files themselves (too large, too many, a type
 * not taken) is also the file input's validation message until another file is chosen.
 */
import { CssClass, PROGRESS_PROPERTY, UPLOAD_DATA_KEY, UPLOAD_EVENT } from '../src/protocol/constants.js';
import { disableWith } from './forms.js';

interface UploadSocket {
  call(name: string, data?: unknown): Promise<unknown>;
  upload(u: number, progress: (bytes: number) => void): { write(bytes: Uint8Array): Promise<void>; done(): void };
}

/** Bytes read from a file at once: the page holds no more of it than this, whatever its size. */
const SLICE = 1 << 20;
/** Refusals about the chosen files, which the user fixes by choosing others. */
const ABOUT_FILES = /^PB_ERR_UPLOAD_(TOO_LARGE|TOO_MANY|TYPE)$/;

/** Forms sending files now, with their progress: a redraw may morph their class and style away. */
const active = new Map<HTMLFormElement, () => void>();

/** The files a form would send: each named, enabled file input's, in document order. */
export function filesOf(form: HTMLFormElement): Array<[HTMLInputElement, File]> {
  const out: Array<[HTMLInputElement, File]> = [];
  for (const el of Array.from(form.elements)) {
    if (el instanceof HTMLInputElement && el.type === 'file' && el.name && !el.disabled) {
      for (const f of Array.from(el.files ?? [])) out.push([el, f]);
    }
  }
  return out;
}

/** Whether the form is sending files (a second submit waits for the first). */
export const uploading = (form: HTMLFormElement): boolean => active.has(form);

/** Puts progress back on forms a redraw just morphed. */
export function installUploads(doc: Document = document): void {
  doc.addEventListener('pb:redraw', () => active.forEach((show) => show()));
}

/**
 * Sends the form's files for event `event`, then calls `send` with the data key naming them, which
 * the form's event carries. A refusal or a closed socket ends it with `pb:upload-error`.
 */
export async function upload(form: HTMLFormElement, event: string, send: (extra: Record<string, number>) => void): Promise<void> {
  const socket = (document as { serverSocket?: UploadSocket }).serverSocket;
  if (!socket) return console.error(`pagebound: no live page for "${event}".`);
  const parts = filesOf(form);
  const inputs = [...new Set(parts.map(([el]) => el))];
  const total = parts.reduce((sum, [, f]) => sum + f.size, 0);
  let loaded = 0;
  const show = (): void => {
    const ratio = String(total ? Math.round((loaded / total) * 1e4) / 1e4 : 1);
    for (const el of [form, ...inputs]) {
      el.classList.add(CssClass.uploading);
      el.style.setProperty(PROGRESS_PROPERTY, ratio);
    }
  };
  const progress = (): void => {
    show();
    form.dispatchEvent(new CustomEvent('pb:upload-progress', { bubbles: true, detail: { loaded, total } }));
  };
  let enable: (() => void) | undefined = disableWith(form);
  active.set(form, show);
  progress();
  try {
    const files = parts.map(([el, f]) => ({ field: el.name, name: f.name, size: f.size, type: f.type }));
    const { u } = (await socket.call(UPLOAD_EVENT, { event, files })) as { u: number };
    const out = socket.upload(u, (n) => {
      loaded += n;
      progress();
    });
    try {
      // One slice at a time: reading a file is lazy, so a large one never sits in memory whole.
      for (const [, file] of parts) {
        for (let at = 0; at < file.size; at += SLICE) await out.write(new Uint8Array(await file.slice(at, at + SLICE).arrayBuffer()));
      }
    } finally {
      out.done();
    }
    // The buttons go back before the event's own `data-disable-with` takes them again.
    enable();
    enable = undefined;
    send({ [UPLOAD_DATA_KEY]: u });
  } catch (e) {
    const { code, message } = e as { code?: string; message?: string };
    if (code && ABOUT_FILES.test(code)) {
      for (const el of inputs) {
        el.setCustomValidity(message ?? code);
        el.addEventListener('change', () => el.setCustomValidity(''), { once: true });
      }
      inputs[0]?.reportValidity();
    }
    form.dispatchEvent(new CustomEvent('pb:upload-error', { bubbles: true, detail: { code, message } }));
  } finally {
    enable?.();
    active.delete(form);
    for (const el of [form, ...inputs]) el.classList.remove(CssClass.uploading);
  }
}
