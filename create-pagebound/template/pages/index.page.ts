import { definePage } from 'pagebound';

/**
 * A live page: the instance that rendered it stays on the server, keeps `count`, and answers
 * the button's `increment` event over the page's socket.
 */
export default definePage({
  state: () => ({ count: 0 }),
  get: (_ctx, page) => ({ title: 'Counter', count: page.state.count }),
  on: {
    increment(_data, page) {
      page.state.count++;
      page.emit('count', page.state.count);
      return page.state.count;
    },
  },
});
