// The smallest useful live page: a counter. The many-pages scenario holds 10,000 of these open.
import { definePage } from 'pagebound';

export default definePage({
  layout: false,
  inline: '<!doctype html><html><head><title>counter</title></head><body><p id="count"><%= it.count %></p></body></html>',
  state: () => ({ count: 0 }),
  get: (_ctx, page) => ({ count: page.state.count }),
  on: { ping: (_data, page) => ++page.state.count },
});
