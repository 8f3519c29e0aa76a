/**
 * Background work for a page (`page.startAsync`, as LiveView's `start_async`): the work runs outside
 * the page's mailbox, so the page's events go on meanwhile, and everything it reports comes back
 * into the mailbox — where it may touch the state, and after which the page redraws. It is cancelled
 * when the page closes, or by the function `startAsync` returns.
 */
import type { Page } from './define-page.js';

/** What the work gets. */
export interface AsyncJob<S> {
  /** Aborted when the work is cancelled or the page closes: pass it to fetch(), timers, queries. */
  readonly signal: AbortSignal;
  /** Runs `fn` in the page's mailbox (progress: set the state there and the page redraws). Ignored once cancelled. */
  report(fn: (page: Page<S>) => unknown): void;
}

/** What runs in the page's mailbox when the work ends; neither runs after the page closed. */
export interface AsyncOutcome<S, T> {
  /** The work's value. */
  result?(value: T, page: Page<S>): unknown;
  /**
   * The work failed, or was cancelled (then `err` is the signal's reason). Without it, a failure is
   * reported as the page's other failures are (logged, and the client's `error` event).
   */
  error?(err: unknown, page: Page<S>): unknown;
}

export type AsyncWork<S, T> = (job: AsyncJob<S>) => T | Promise<T>;

/** Posts a task into the page's mailbox, reported as `where` if it fails. */
type Post = (task: () => unknown) => void;

export function runAsync<S, T>(page: Page<S>, work: AsyncWork<S, T>, outcome: AsyncOutcome<S, T>, post: Post): () => void {
  const controller = new AbortController();
  const signal = controller.signal;
  const onClose = (): void => controller.abort('page closed');
  page.signal.addEventListener('abort', onClose, { once: true });
  const job: AsyncJob<S> = {
    signal,
    report: (fn) => {
      if (!signal.aborted) post(() => fn(page));
    },
  };
  void (async () => {
    try {
      const value = await work(job);
      if (!signal.aborted) post(() => outcome.result?.(value, page));
      else if (!page.closed) post(() => outcome.error?.(signal.reason, page));
    } catch (err) {
      if (page.closed) return;
      const reason = signal.aborted ? signal.reason : err;
      post(() => {
        if (outcome.error) return outcome.error(reason, page);
        // A cancelled job that stopped by throwing is not a failure to report.
        if (!signal.aborted) throw err;
      });
    } finally {
      page.signal.removeEventListener('abort', onClose);
    }
  })();
  return () => controller.abort('cancelled');
}
