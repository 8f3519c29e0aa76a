// A todo list with no client script: every handler changes the state and the page redraws the
// regions that changed. The filter lives in the URL (`/todo?filter=active`): the page's
// `data-pb-url` says where the address bar should be, and back/forward send `navigate`.
import { definePage } from './$types/todo.js';

interface Todo { id: number; title: string; done: boolean }
type Filter = 'all' | 'active' | 'done';
interface State { todos: Todo[]; filter: Filter; next: number; error: string }

const FILTERS: Filter[] = ['all', 'active', 'done'];
const MAX_TODOS = 200;
const MAX_TITLE = 200;

const filterOf = (v: unknown): Filter => (FILTERS.includes(v as Filter) ? (v as Filter) : 'all');
const find = (page: { state: State }, id: unknown) => page.state.todos.find((t) => t.id === Number(id));
/** A title as typed: trimmed and bounded; empty when there is nothing to keep. */
const titleOf = (v: unknown) => String(v ?? '').trim().slice(0, MAX_TITLE);

export default definePage({
  state: (ctx): State => ({ todos: [], filter: filterOf(ctx.query.filter), next: 1, error: '' }),
  get: (_ctx, page) => ({ title: 'Todo', filters: FILTERS, ...page.state }),
  on: {
    add(raw, page) {
      const data = (raw ?? {}) as { title?: unknown };
      const title = titleOf(data?.title);
      // A failed handler keeps what the user typed; the message renders with the same redraw.
      if (!title) { page.state.error = 'Write something to do first.'; throw Object.assign(new Error(page.state.error), { expose: true }); }
      if (page.state.todos.length >= MAX_TODOS) { page.state.error = `At most ${MAX_TODOS} todos.`; throw Object.assign(new Error(page.state.error), { expose: true }); }
      page.state.error = '';
      page.state.todos = [...page.state.todos, { id: page.state.next++, title, done: false }];
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
      if (todo && title) todo.title = title;
    },
    remove(raw, page) {
      const data = (raw ?? {}) as { id?: unknown };
      page.state.todos = page.state.todos.filter((t) => t.id !== Number(data?.id));
    },
    clear(_data, page) {
      page.state.todos = page.state.todos.filter((t) => !t.done);
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
