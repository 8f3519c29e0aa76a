// The count lives only on the server, in this page's instance; each tab is its own instance.
// A handler changes the state and the page redraws itself: no client script. The count is also
// pushed as a `count` event for scripts that want it.
import { z } from 'zod';
import { definePage } from './$types/counter.js';

export default definePage({
  // Survives its node: the count is committed after each click and restored on another node.
  durable: true,
  state: () => ({ count: 0 }),
  emits: { count: z.number() },
  get: (_ctx, page) => ({ title: 'Counter', ...page.state }),
  on: {
    inc(_data, page) {
      page.state.count++;
      page.emit('count', page.state.count);
      return page.state.count;
    },
  },
});
