/**
 * Form conveniences as people know them from Rails and Phoenix, for bound elements:
 * `data-confirm="Delete it?"` asks before the event is sent (on the element, a form, or the button
 * that submits it); `data-disable-with="Saving…"` disables a button (and shows that text) until the
 * server answers; and a control whose value differs from what the server last rendered carries
 * `pb-dirty`, as does its form.
 */
import { CssClass } from '../src/protocol/constants.js';

/** False when the element (or the submitter) asks for a confirmation and the user declined. */
export function confirmed(...els: Array<Element | null | undefined>): boolean {
  for (const el of els) {
    const question = el?.getAttribute('data-confirm');
    if (question) return window.confirm(question);
  }
  return true;
}

type Disableable = HTMLButtonElement | HTMLInputElement;

/**
 * Disables the buttons that say `data-disable-with` (the element itself, or the ones in a form),
 * showing that text; returns what puts them back.
 */
export function disableWith(el: Element): () => void {
  const buttons = (el.matches('[data-disable-with]') ? [el] : Array.from(el.querySelectorAll('[data-disable-with]'))) as Disableable[];
  const undo = buttons.map((b) => {
    const label = b instanceof HTMLInputElement ? b.value : b.textContent;
    const wasDisabled = b.disabled;
    const text = b.getAttribute('data-disable-with')!;
    if (b instanceof HTMLInputElement) b.value = text;
    else b.textContent = text;
    b.disabled = true;
    return () => {
      // A redraw may have drawn the button anew meanwhile; only what is still ours is put back.
      if ((b instanceof HTMLInputElement ? b.value : b.textContent) === text) {
        if (b instanceof HTMLInputElement) b.value = label ?? '';
        else b.textContent = label;
      }
      b.disabled = wasDisabled;
    };
  });
  return () => undo.forEach((fn) => fn());
}

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

function isDirty(c: Control): boolean {
  if (c instanceof HTMLSelectElement) return Array.from(c.options).some((o) => o.selected !== o.defaultSelected);
  if (c instanceof HTMLInputElement && (c.type === 'checkbox' || c.type === 'radio')) return c.checked !== c.defaultChecked;
  if (c instanceof HTMLInputElement && c.type === 'file') return c.files !== null && c.files.length > 0;
  return c.value !== c.defaultValue;
}

function markForm(form: HTMLFormElement | null): void {
  if (!form) return;
  form.classList.toggle(CssClass.dirty, Array.from(form.elements).some((c) => (c as Element).classList.contains(CssClass.dirty)));
}

function mark(c: Control): void {
  c.classList.toggle(CssClass.dirty, isDirty(c));
  markForm(c.form);
}

/** Keeps `pb-dirty` true to what the user changed since the last render, a redraw and a reset. */
export function installDirty(doc: Document = document): void {
  const all = (): void => {
    for (const c of Array.from(doc.querySelectorAll<Control>('input, textarea, select'))) c.classList.toggle(CssClass.dirty, isDirty(c));
    for (const f of Array.from(doc.forms)) markForm(f);
  };
  for (const type of ['input', 'change']) {
    doc.addEventListener(type, (e) => {
      const t = e.target;
      if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) mark(t);
    });
  }
  // After a reset the values are back only once the event is over.
  doc.addEventListener('reset', () => setTimeout(all, 0));
  doc.addEventListener('pb:redraw', all);
}
