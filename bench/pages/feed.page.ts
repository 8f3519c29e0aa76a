// Scenario 8, second row: a keyed list of 1000 items (page.list); `more` appends one. The list is
// not in the state, so only the new item's markup goes on the wire.
import { definePage } from 'pagebound';

interface Entry { id: number; name: string; qty: number }
const entry = (i: number): Entry => ({ id: i, name: `Item number ${i}`, qty: i * 3 });

export default definePage({
  lists: { entries: { item: 'feed-item.eta' } },
  state: () => ({ next: 1000 }),
  get: (_ctx, page) => {
    page.list<Entry>('entries').append(...Array.from({ length: 1000 }, (_, i) => entry(i)));
    return { title: 'Feed' };
  },
  on: {
    more(_data, page) {
      page.list<Entry>('entries').append(entry(page.state.next++));
    },
  },
});
