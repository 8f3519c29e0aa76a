/**
 * Lazy data for a page (`page.assignAsync`, as LiveView's `assign_async`): a state field holds an
 * `AsyncValue` that is `loading` while its work runs outside the mailbox, then the value or the
 * failure. The page renders at once with a placeholder where the field is loading, and the region
 * that shows it fills in by the redraw that follows the result.
 */
import type { Page } from './define-page.js';

/** A state field filled in by `page.assignAsync`: plain JSON, so a durable page stores it too. */
export type AsyncValue<T> =
  | { loading: true; ok?: undefined; value?: undefined; error?: undefined }
  | { loading: false; ok: true; value: T; error?: undefined }
  | { loading: false; ok: false; value?: undefined; error: string };

/**
 * A field's first value: loading. `state: () => ({ stats: loading<Stats>() })`.
 * @example <section data-pb-region="stats" class="<%= it.stats.loading ? 'pb-loading' : '' %>">
 */
export const loading = <T>(): AsyncValue<T> => ({ loading: true });

/** The state's fields that hold an AsyncValue. */
export type AsyncKeys<S> = { [K in keyof S]: S[K] extends AsyncValue<any> ? K : never }[keyof S] & string;
type Loaded<V> = [V] extends [AsyncValue<infer T>] ? T : never;
/** The work that loads field `K`: its value, and an AbortSignal for when it is no longer wanted. */
export type LoadWork<S, K extends keyof S> = (signal: AbortSignal) => Loaded<S[K]> | Promise<Loaded<S[K]>>;

/** What a failure shows in the page: its message only when the error says it may be shown. */
const FAILED = 'Could not load.';
const CANCELLED = 'Cancelled.';

/** Each page's loads under way, by field. */
const running = new WeakMap<object, Map<string, () => void>>();

export function assignAsync<S, K extends AsyncKeys<S>>(page: Page<S>, key: K, work: LoadWork<S, K>): () => void {
  let jobs = running.get(page);
  if (!jobs) {
    running.set(page, (jobs = new Map()));
    // Owning something keeps a page that only loads live until its data has been sent.
    const all = jobs;
    page.own(() => all.clear());
  }
  // A new load of the same field replaces the one under way.
  jobs.get(key)?.();
  const set = (value: AsyncValue<unknown>, p: Page<S>): void => {
    (p.state as Record<string, unknown>)[key] = value;
  };
  set({ loading: true }, page);
  // Whether this load is still the field's: a replaced or cancelled one sets nothing more.
  const current = (): boolean => jobs.get(key) === stop;
  const stop = page.startAsync((job) => work(job.signal), {
    result: (value, p) => {
      if (!current()) return;
      jobs.delete(key);
      set({ loading: false, ok: true, value }, p);
    },
    error: (err, p) => {
      if (!current()) return;
      jobs.delete(key);
      const exposed = (err as { expose?: unknown })?.expose === true;
      set({ loading: false, ok: false, error: exposed ? String((err as Error).message) : FAILED }, p);
      // Reported as the page's other failures are (logged; the client's `error` event), after the state says so.
      throw err;
    },
  });
  jobs.set(key, stop);
  return () => {
    // At once, from the handler that cancels: work that ignores its signal may never end.
    if (current()) {
      jobs.delete(key);
      set({ loading: false, ok: false, error: CANCELLED }, page);
    }
    stop();
  };
}
