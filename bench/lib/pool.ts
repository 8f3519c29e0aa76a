/**
 * Runs `count` async jobs with at most `limit` in flight, within a time limit: opening hundreds of
 * connections at once would measure the accept queue, and one at a time would take too long.
 */
export async function runPool(count: number, limit: number, timeoutMs: number, job: (i: number) => Promise<void>): Promise<void> {
  const stopAt = Date.now() + timeoutMs;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      if (Date.now() > stopAt) throw new Error(`pool: only ${next} of ${count} jobs started within ${timeoutMs} ms`);
      await job(next++);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}
