// A todo list with no client script: every handler changes the state and the page redraws the
// regions that changed. The filter lives in the URL (`/todo?filter=active`): the page's
// `data-pb-url` says where the address bar should be, and back/forward send `navigate`.
// Durable: its state is plain JSON, committed after each change, so the list survives its node
// (another node takes the page over; see "Durable pages" in the README).
import { definePage } from './$types/todo.js';

interface Todo { id: number; title: string; done: boolean }
type Filter = 'all' | 'active' | 'done';
interface State { todos: Todo[]; filter: Filter; next: number; error: string }

const FILTERS: Filter[] = ['all', 'active', 'done'];
const MAX_TODOS = 200;
const MAX_TITLE = 200;
/**
 * The list's size as committed, JSON in UTF-8: kept under the durable limit (maxDurableStateBytes,
 * 64 KiB by default) with room for the rest of the state. 200 titles of 200 characters fit in ASCII,
 * not in every script, so the bytes are what is counted.
 */
const MAX_LIST_BYTES = 56 * 1024;
const fits = (todos: Todo[]) => Buffer.byteLength(JSON.stringify(todos)) <= MAX_LIST_BYTES;

const filterOf = (v: unknown): Filter => (FILTERS.includes(v as Filter) ? (v as Filter) : 'all');
const find = (page: { state: State }, id: unknown) => page.state.todos.find((t) => t.id === Number(id));
/** A title as typed: trimmed and bounded; empty when there is nothing to keep. */
const titleOf = (v: unknown) => String(v ?? '').trim().slice(0, MAX_TITLE);
/** Fails the handler with a message the page shows (the redraw renders `error`). */
function refuse(page: { state: State }, message: string): never {
  page.state.error = message;
  throw Object.assign(new Error(message), { expose: true });
}

export default definePage({
  durable: true,
  state: (ctx): State => ({ todos: [], filter: filterOf(ctx.query.filter), next: 1, error: '' }),
  get: (_ctx, page) => ({ title: 'Todo', filters: FILTERS, ...page.state }),
  on: {
    add(raw, page) {
      const data = (raw ?? {}) as { title?: unknown };
      const title = titleOf(data?.title);
      // A failed handler keeps what the user typed; the message renders with the same redraw.
      if (!title) refuse(page, 'Write something to do first.');
      if (page.state.todos.length >= MAX_TODOS) refuse(page, `At most ${MAX_TODOS} todos.`);
      const todos = [...page.state.todos, { id: page.state.next, title, done: false }];
      if (!fits(todos)) refuse(page, 'The list is full: remove some todos first.');
      page.state.error = '';
      page.state.next++;
      page.state.todos = todos;
    },
    toggle(raw, page) {
      const data = (raw ?? {}) as { id?: unknown; value?: unknown };
      const todo = find(page, data?.id);
      if (todo) todo.done = data.value === true;
    },
    rename(raw, page) {
      const data = (raw ?? {}) as { id?: unknown; value?: unknown };
      const todo = find(page, data?.id);
      const title = titleOf(data?.value);
      if (!todo || !title) return;
      const before = todo.title;
      todo.title = title;
      if (!fits(page.state.todos)) {
        todo.title = before;
        refuse(page, 'That title does not fit: the list is full.');
      }
    },
    remove(raw, page) {
      const data = (raw ?? {}) as { id?: unknown };
      page.state.todos = page.state.todos.filter((t) => t.id !== Number(data?.id));
    },
    clear(_data, page) {
      const left = page.state.todos.filter((t) => !t.done);
      const cleared = page.state.todos.length - left.length;
      page.state.todos = left;
      // Shown by the layout with this redraw, gone with the next one.
      page.flash(cleared === 1 ? 'Cleared 1 done todo.' : `Cleared ${cleared} done todos.`);
    },
    filter(raw, page) {
      const data = (raw ?? {}) as { filter?: unknown };
      page.state.filter = filterOf(data?.filter);
    },
    // Back/forward: the browser's address changed under the page.
    navigate(raw, page) {
      const data = (raw ?? {}) as { query?: Record<string, unknown> };
      page.state.filter = filterOf(data?.query?.filter);
    },
  },
});
