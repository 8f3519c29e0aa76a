/**
 * The default reaction to an expired page: reload it once to get a fresh instance. A timestamp in
 * sessionStorage per path stops a loop when the fresh page expires at once too (server restarting,
 * cookie rejected): then the page stays, marked `pb-expired`, for the author or user to handle.
 */
import { storage } from './reconnect.js';

const WINDOW_MS = 10_000;

export function reloadOnce(): void {
  const key = 'pb.reloaded.' + location.pathname;
  const last = Number(storage.get(key));
  if (Date.now() - last < WINDOW_MS) return;
  storage.set(key, String(Date.now()));
  // Without storage the guard cannot work, and a loop is worse than a stale page.
  if (storage.get(key) === null) return;
  location.reload();
}
