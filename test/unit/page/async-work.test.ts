import { describe, expect, it, vi } from 'vitest';
import { connect, event, makePage } from '../../helpers/fake-connection.js';

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); reject(new Error('aborted')); }, { once: true });
});

describe('page.startAsync', () => {
  it('runs outside the mailbox: events are answered while it works, and its reports come in order', async () => {
    const page = makePage();
    const conn = connect(page);
    page.state = { log: [] as string[] };
    page.on('start', () => {
      page.startAsync(async (job) => {
        for (let i = 1; i <= 3; i++) {
          await sleep(20, job.signal);
          job.report((p) => { (p.state as { log: string[] }).log.push(`step ${i}`); });
        }
        return 'value';
      }, { result: (v, p) => { (p.state as { log: string[] }).log.push(`result ${v}`); } });
      return 'started';
    });
    page.on('ping', () => (page.state as { log: string[] }).log.length);
    event(page, 1, 'start', null);
    event(page, 2, 'ping', null);
    await vi.waitFor(() => expect(conn.of('re')).toHaveLength(2));
    // The ping was answered before the job's first step.
    expect(conn.of('re')[1]).toMatchObject({ re: 2, ok: true, d: 0 });
    await vi.waitFor(() => expect(page.state.log).toEqual(['step 1', 'step 2', 'step 3', 'result value']));
  });

  it('a failure goes to `error`, or without one is reported to the client as an error event', async () => {
    const page = makePage({ dev: true });
    const conn = connect(page);
    const seen: unknown[] = [];
    page.startAsync(async () => { throw new Error('job broke'); }, { error: (err) => { seen.push((err as Error).message); } });
    page.startAsync(async () => { throw new Error('nobody listens'); });
    await vi.waitFor(() => expect(seen).toEqual(['job broke']));
    await vi.waitFor(() => expect(conn.of('ev').filter((f) => f.n === 'error').map((f) => f.d.message)).toEqual(['nobody listens']));
  });

  it('cancel aborts the work\'s signal and runs `error` with the reason; reports after it are dropped', async () => {
    const page = makePage();
    const outcomes: unknown[] = [];
    let signal: AbortSignal | undefined;
    const cancel = page.startAsync(async (job) => {
      signal = job.signal;
      await sleep(1000, job.signal);
    }, { result: () => outcomes.push('result'), error: (err) => outcomes.push(err) });
    cancel();
    await vi.waitFor(() => expect(outcomes).toEqual(['cancelled']));
    expect(signal!.aborted).toBe(true);
  });

  it('closing the page cancels the work and runs nothing after', async () => {
    const page = makePage();
    const outcomes: unknown[] = [];
    let signal: AbortSignal | undefined;
    page.startAsync(async (job) => {
      signal = job.signal;
      await sleep(30);
      job.report(() => outcomes.push('report'));
      return 1;
    }, { result: () => outcomes.push('result'), error: () => outcomes.push('error') });
    await page.close();
    expect(signal!.aborted).toBe(true);
    await sleep(60);
    expect(outcomes).toEqual([]);
    expect(() => page.startAsync(async () => 1)).toThrow(expect.objectContaining({ code: 'PB_ERR_PAGE_CLOSED' }));
  });
});
