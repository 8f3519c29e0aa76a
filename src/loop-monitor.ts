/**
 * Event-loop delay, measured and logged. Every page of a process shares one event loop, so a
 * handler that burns the CPU for seconds stalls every other page — inherent to Node, but it must
 * not be silent. A histogram (perf_hooks.monitorEventLoopDelay) is read once a second; a window
 * whose worst delay passes `eventLoopWarnMs` logs a warning, at most one per WARN_EVERY_MS, with
 * how many windows in between were high too.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyBaseLogger } from 'fastify';

const SAMPLE_EVERY_MS = 1_000;
const WARN_EVERY_MS = 10_000;

/** Starts measuring; the returned function stops it. */
export function watchEventLoop(log: FastifyBaseLogger, thresholdMs: number): () => void {
  const histogram = monitorEventLoopDelay({ resolution: 20 });
  histogram.enable();
  let lastWarn = 0;
  let suppressed = 0;
  const timer = setInterval(() => {
    const maxMs = histogram.max / 1e6;
    const p99Ms = histogram.percentile(99) / 1e6;
    histogram.reset();
    if (maxMs < thresholdMs) return;
    const now = Date.now();
    if (now - lastWarn < WARN_EVERY_MS) {
      suppressed++;
      return;
    }
    lastWarn = now;
    log.warn(
      { maxDelayMs: Math.round(maxMs), p99DelayMs: Math.round(p99Ms), thresholdMs, highWindowsSinceLastWarning: suppressed },
      'event loop blocked: a handler or render ran long on the CPU, and every page of this process waited for it',
    );
    suppressed = 0;
  }, SAMPLE_EVERY_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    histogram.disable();
  };
}
