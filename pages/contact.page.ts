// A contact form that works both ways. With the runtime it is a live form: each field is checked as
// the user types (debounced `data-on-input`), the error renders next to the field by the redraw,
// and a successful send shows a flash message and resets the form. Without JavaScript it is a
// plain POST handled like PHP: errors render with the form; success redirects (Post/Redirect/Get)
// and the same flash message shows on the page the redirect leads to.
import { definePage } from './$types/contact.js';

type Field = 'name' | 'message';
interface State { values: Record<Field, string>; errors: Partial<Record<Field, string>> }

const FIELDS: Field[] = ['name', 'message'];
const MAX_LENGTH: Record<Field, number> = { name: 100, message: 2000 };

/** What is wrong with a field's value, or undefined when nothing is. */
function problem(field: Field, value: string): string | undefined {
  if (field === 'name' && !value) return 'Please give your name.';
  if (field === 'message' && value.length < 5) return 'The message needs at least 5 characters.';
  if (value.length > MAX_LENGTH[field]) return `At most ${MAX_LENGTH[field]} characters.`;
  return undefined;
}

const fieldOf = (v: unknown): Field | undefined => FIELDS.find((f) => f === v);
const textOf = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** Checks every field into the state; true when all are fine. */
function checkAll(state: State, body: Record<string, unknown> | undefined): boolean {
  for (const f of FIELDS) {
    state.values[f] = textOf(body?.[f]).slice(0, MAX_LENGTH[f] + 1);
    state.errors[f] = problem(f, state.values[f]);
  }
  return FIELDS.every((f) => !state.errors[f]);
}

const thanks = (name: string) => `Thank you, ${name}. Your message was received.`;

export default definePage({
  state: (): State => ({ values: { name: '', message: '' }, errors: {} }),
  get: (_ctx, page) => ({ title: 'Contact', ...page.state }),
  post: (ctx, page) => {
    if (checkAll(page.state, ctx.body)) {
      ctx.flash(thanks(page.state.values.name));
      return ctx.redirect('/contact');
    }
    ctx.status(422);
    return { title: 'Contact', ...page.state };
  },
  on: {
    // One field, as the user types: only its own error changes.
    check(raw, page) {
      const data = (raw ?? {}) as { name?: unknown; value?: unknown };
      const field = fieldOf(data.name);
      if (!field) return;
      page.state.values[field] = textOf(data.value).slice(0, MAX_LENGTH[field] + 1);
      page.state.errors[field] = problem(field, page.state.values[field]);
    },
    send(raw, page) {
      if (!checkAll(page.state, (raw ?? {}) as Record<string, unknown>)) {
        // A failed handler leaves the form as typed; the errors render with the same redraw.
        throw Object.assign(new Error('Please correct the form.'), { expose: true });
      }
      page.flash(thanks(page.state.values.name));
      page.state.values = { name: '', message: '' };
    },
  },
});
