// A parameter route: /users/:id. The id is escaped in the output like every `<%= %>` value.
import { definePage } from 'pagebound';

export default definePage<undefined, { id: string }>({
  get: (ctx) => {
    if (!/^\d+$/.test(ctx.params.id)) ctx.status(404);
    return { title: `User ${ctx.params.id}`, id: ctx.params.id, valid: /^\d+$/.test(ctx.params.id) };
  },
});
