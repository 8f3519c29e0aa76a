// Scenario 7: a 100-row table, each row its own region; `bump` changes one row.
import { definePage } from 'pagebound';

export default definePage({
  state: () => ({ rows: Array.from({ length: 100 }, (_, i) => ({ id: i, name: `Item number ${i}`, qty: i * 3, price: (i * 1.25).toFixed(2) })) }),
  get: (_ctx, page) => ({ title: 'Stock', rows: page.state.rows }),
  on: {
    bump(data, page) {
      const { id } = (data ?? {}) as { id?: unknown };
      const row = page.state.rows.find((r) => r.id === Number(id));
      if (row) row.qty++;
    },
  },
});
