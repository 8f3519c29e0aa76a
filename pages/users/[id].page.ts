// A parameter route: /users/:id. The id is escaped in the output like every `<%= %>` value.
// `./$types/[id].js` is generated from this file's name: it types `ctx.params.id` with no generics.
import { definePage } from './$types/[id].js';

export default definePage({
  get: (ctx) => {
    const valid = /^\d+$/.test(ctx.params.id);
    if (!valid) ctx.status(404);
    return { title: `User ${ctx.params.id}`, id: ctx.params.id, valid };
  },
});
