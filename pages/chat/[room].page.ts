// Pages talk to each other through topics: every page in a room subscribes to that room's topic.
// `say` declares its data with a schema: anything else is refused before the handler runs.
import { z } from 'zod';
import { definePage } from './$types/[room].js';

const message = z.object({ from: z.string(), text: z.string() });

export default definePage({
  state: (ctx) => ({ topic: `chat:${ctx.params.room}` }),
  emits: { chat: message },
  get: (ctx, page) => {
    page.subscribe(page.state.topic, (msg) => {
      const parsed = message.safeParse(msg);
      if (parsed.success) page.emit('chat', parsed.data);
    });
    return { title: `Chat: ${ctx.params.room}`, room: ctx.params.room };
  },
  on: {
    say: {
      schema: z.object({ text: z.string().trim().min(1).max(500) }),
      handler({ text }, page) {
        page.publish(page.state.topic, { from: page.id.slice(0, 4), text });
      },
    },
  },
});
