// Pages talk to each other through topics: every page in a room subscribes to that room's topic,
// keeps the last messages in its state, and redraws its log when one arrives. No client script.
// `say` declares its data with a schema: anything else is refused before the handler runs.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { definePage } from './$types/[room].js';

const message = z.object({ id: z.string(), text: z.string() });
type Message = z.infer<typeof message>;
/** Messages a page keeps (and shows): older ones scroll away. */
const KEEP = 50;

export default definePage({
  state: (ctx) => ({ room: ctx.params.room, messages: [] as Message[] }),
  get: (_ctx, page) => {
    page.subscribe(`chat:${page.state.room}`, (msg) => {
      // Topic data comes from other pages (other nodes, with Redis): checked like client data.
      const parsed = message.safeParse(msg);
      if (parsed.success) page.state.messages = [...page.state.messages, parsed.data].slice(-KEEP);
    });
    return { title: `Chat: ${page.state.room}`, ...page.state };
  },
  on: {
    say: {
      schema: z.object({ text: z.string().trim().min(1).max(500) }),
      handler({ text }, page) {
        page.publish(`chat:${page.state.room}`, { id: randomUUID(), text });
      },
    },
  },
});
