/**
 * Declarative bindings: `data-on-click|submit|input|change="event"` send that event to
 * `document.serverSocket`, with `data-value-*` attributes merged into its data. One delegated
 * listener per event type on the document covers elements added after load. The bound element
 * carries `pb-pending` until the server's reply, so CSS can show work in progress.
 *
 * The listeners capture: pagebound reads a form or a value before any author handler runs, because
 * a trusted event runs microtasks between listeners, so an author's `queueMicrotask(clear)` in a
 * submit handler would otherwise empty the field before it was read.
 */
import { CssClass } from '../src/protocol/constants.js';
import { confirmed, disableWith, installDirty } from './forms.js';
import { filesOf, installUploads, upload, uploading } from './upload.js';

interface TrackingSocket {
  send(name: string, data?: unknown): void;
  sendTracked?(name: string, data: unknown, done: (ok: boolean) => void): void;
}

type Data = Record<string, unknown>;

const inFlight = new WeakMap<Element, number>();
/** Debounce per control, so two inputs bound through one ancestor do not swallow each other. */
type Timer = ReturnType<typeof setTimeout>;
interface Waiting { timer: Timer; send: () => void }
/** Debounced events not sent yet; an entry lives only until its timer fires. */
const waiting = { input: new Map<Element, Waiting>(), change: new Map<Element, Waiting>() };

/**
 * Sends the form's debounced events at once, before its submit: left to fire after it, one would
 * read the field the submit's reset emptied and undo what the submit did (say, validate it again).
 */
function flushWaiting(form: HTMLFormElement): void {
  for (const map of [waiting.input, waiting.change]) {
    for (const [control, w] of Array.from(map)) {
      if ((control as HTMLInputElement).form !== form && !form.contains(control)) continue;
      clearTimeout(w.timer);
      w.send();
    }
  }
}

function pending(el: HTMLElement, delta: number): void {
  const n = (inFlight.get(el) ?? 0) + delta;
  inFlight.set(el, n);
  el.classList.toggle(CssClass.pending, n > 0);
}

/** `data-value-user-id="7"` → `{ userId: "7" }` (the dataset's camelCase). */
function extraValues(el: HTMLElement): Data {
  const out: Data = {};
  for (const key in el.dataset) {
    if (key.length > 5 && key.startsWith('value')) out[key[5]!.toLowerCase() + key.slice(6)] = el.dataset[key];
  }
  return out;
}

function fire(el: HTMLElement, name: string, data: Data, succeeded?: () => void): void {
  const socket = (document as { serverSocket?: TrackingSocket }).serverSocket;
  if (!socket) return console.error(`pagebound: no live page for "${name}".`);
  // The author's data-value-* win over user-editable fields of the same name.
  const payload = { ...data, ...extraValues(el) };
  pending(el, 1);
  const enable = disableWith(el);
  const settle = (): void => {
    pending(el, -1);
    enable();
  };
  try {
    if (socket.sendTracked) {
      socket.sendTracked(name, payload, (ok) => {
        settle();
        if (ok) succeeded?.();
      });
    }
    else {
      socket.send(name, payload);
      settle();
    }
  } catch (e) {
    settle();
    console.error(e);
  }
}

function bound(target: EventTarget | null, type: string): HTMLElement | null {
  return target instanceof Element ? target.closest<HTMLElement>(`[data-on-${type}]`) : null;
}

/** Repeated names become arrays; files are skipped (they go as an upload, runtime-client/upload.ts). */
function formFields(form: HTMLFormElement, submitter: HTMLElement | null): Data {
  const out: Data = {};
  // With the submitter, the clicked button's name=value is included, as in a native submit.
  new FormData(form, submitter).forEach((v, k) => {
    if (typeof v !== 'string') return;
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...(prev as unknown[]), v] : [prev, v];
  });
  return out;
}

function controlValue(c: Element): unknown {
  if (c instanceof HTMLInputElement && c.type === 'checkbox') return c.checked;
  if (c instanceof HTMLSelectElement && c.multiple) return Array.from(c.selectedOptions, (o) => o.value);
  return 'value' in c ? (c as HTMLInputElement).value : c.textContent;
}

export function installBindings(doc: Document = document): void {
  installDirty(doc);
  installUploads(doc);
  doc.addEventListener('click', (e) => {
    const el = bound(e.target, 'click');
    if (!el) return;
    if (!confirmed(el)) {
      e.preventDefault();
      return;
    }
    // A link with an event runs it instead of navigating; its href is for a page without the runtime,
    // a new tab, or a modified click (which still opens it).
    if (el instanceof HTMLAnchorElement && el.href) {
      const me = e as MouseEvent;
      if (me.ctrlKey || me.metaKey || me.shiftKey || me.altKey || me.button !== 0) return;
      e.preventDefault();
    }
    fire(el, el.dataset.onClick!, {});
  }, true);

  doc.addEventListener('submit', (e) => {
    const form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-on-submit')) return;
    e.preventDefault();
    if (uploading(form)) return;
    const submitter = (e as SubmitEvent).submitter ?? null;
    if (!confirmed(submitter, form)) return;
    flushWaiting(form);
    // Reset once the handler succeeded (its redraw is in by then): the form is ready for the next
    // entry, as after a native submit. A failed handler leaves what the user typed to correct it.
    const reset = form.dataset.reset === 'false' ? undefined : () => form.reset();
    const name = form.dataset.onSubmit!;
    const fields = formFields(form, submitter);
    // Files go first, over the same connection; the event then names them (runtime-client/upload.ts).
    if (filesOf(form).length) void upload(form, name, (extra) => fire(form, name, { ...fields, ...extra }, reset));
    else fire(form, name, fields, reset);
  }, true);

  for (const type of ['input', 'change'] as const) {
    doc.addEventListener(type, (e) => {
      const el = bound(e.target, type);
      const control = e.target as Element;
      if (!el) return;
      const name = el.getAttribute('data-on-' + type)!;
      const ms = Number(el.dataset.debounce ?? (type === 'input' ? 150 : 0));
      const send = (): void => {
        waiting[type].delete(control);
        const n = (control as HTMLInputElement).name;
        fire(el, name, n ? { value: controlValue(control), name: n } : { value: controlValue(control) });
      };
      clearTimeout(waiting[type].get(control)?.timer);
      if (ms > 0) waiting[type].set(control, { timer: setTimeout(send, ms), send });
      else send();
    }, true);
  }
}
