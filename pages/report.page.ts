// Lazy regions: the page renders at once with placeholders, and each part fills in when its data
// arrives (here, slow queries stood in for by timers). What waits carries `pb-loading`; the page
// answers its events meanwhile; `Refresh` loads again. No client script.
import { setTimeout as sleep } from 'node:timers/promises';
import { loading } from 'pagebound';
import { definePage } from './$types/report.js';

interface Totals { visits: number; signups: number }
interface TopPage { path: string; views: number }

/** A slow query: the signal stops it when the tab closes or the load is replaced. */
const totals = (signal: AbortSignal): Promise<Totals> => sleep(600, { visits: 12_480, signups: 312 }, { signal });
const topPages = (signal: AbortSignal): Promise<TopPage[]> =>
  sleep(1200, [{ path: '/', views: 5210 }, { path: '/chat/lobby', views: 2875 }, { path: '/todo', views: 1630 }], { signal });

export default definePage({
  state: () => ({ totals: loading<Totals>(), top: loading<TopPage[]>(), refreshed: 0 }),
  get: (_ctx, page) => ({ title: 'Report', ...page.state }),
  // In mount, so a page restored elsewhere would load again; the first render shows the placeholders.
  mount(page) {
    page.assignAsync('totals', totals);
    page.assignAsync('top', topPages);
  },
  on: {
    refresh(_data, page) {
      page.state.refreshed++;
      page.assignAsync('totals', totals);
      page.assignAsync('top', topPages);
    },
  },
});
