// The count lives only on the server, in this page's instance; each tab is its own instance.
// A handler changes the state and the page redraws itself: no client script.
import { definePage } from 'pagebound';

export default definePage({
  state: () => ({ count: 0 }),
  get: (_ctx, page) => ({ title: 'Counter', ...page.state }),
  on: {
    inc(_data, page) {
      page.state.count++;
      return page.state.count;
    },
  },
});
