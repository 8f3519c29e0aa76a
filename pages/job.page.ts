// Background work with progress: the job runs outside the page's mailbox (the page still answers
// its events), reports its progress into it, and stops when cancelled or when the tab closes.
import { setTimeout as sleep } from 'node:timers/promises';
import { definePage } from './$types/job.js';

interface State { percent: number; status: 'idle' | 'running' | 'finished' | 'cancelled'; cancel: (() => void) | null; clicks: number }

const STEPS = 20;
const STEP_MS = 150;

export default definePage({
  state: (): State => ({ percent: 0, status: 'idle', cancel: null, clicks: 0 }),
  get: (_ctx, page) => ({ title: 'Background job', ...page.state }),
  on: {
    start(_data, page) {
      if (page.state.status === 'running') return;
      page.state.percent = 0;
      page.state.status = 'running';
      page.state.cancel = page.startAsync(async (job) => {
        for (let i = 1; i <= STEPS; i++) {
          await sleep(STEP_MS, undefined, { signal: job.signal });
          job.report((p) => { p.state.percent = Math.round((i / STEPS) * 100); });
        }
      }, {
        result: (_v, p) => { p.state.status = 'finished'; p.state.cancel = null; },
        error: (_err, p) => { p.state.status = 'cancelled'; p.state.cancel = null; },
      });
    },
    cancel(_data, page) {
      page.state.cancel?.();
    },
    // Answered at once while the job runs: it does not hold the page's mailbox.
    click(_data, page) {
      page.state.clicks++;
    },
  },
});
