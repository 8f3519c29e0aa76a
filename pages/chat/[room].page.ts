// Pages talk to each other through topics: every page in a room subscribes to that room's topic
// and appends each message to its log, a keyed list: the message's markup (message.eta) is written
// once, rendered once per message, and sent alone — the log is neither kept in the state nor sent
// again. No client script. `say` declares its data with a schema: anything else is refused first.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { list } from 'pagebound';
import { definePage } from './$types/[room].js';

const message = z.object({ id: z.string().uuid(), text: z.string().max(500) });
type Message = z.infer<typeof message>;
/** Messages the log shows: older ones scroll away. */
const KEEP = 50;

export default definePage({
  // Survives its node: the room is committed, and `mount` subscribes again on the node that takes
  // the page over; the log the browser shows stays as it is.
  durable: true,
  lists: { messages: list<Message>({ item: 'message.eta', limit: KEEP }) },
  state: (ctx) => ({ room: ctx.params.room }),
  get: (_ctx, page) => ({ title: `Chat: ${page.state.room}`, ...page.state }),
  mount(page) {
    page.subscribe(`chat:${page.state.room}`, (msg) => {
      // Topic data comes from other pages (other nodes, with Redis): checked like client data.
      const parsed = message.safeParse(msg);
      if (parsed.success) page.list('messages').append(parsed.data);
    });
  },
  on: {
    say: {
      schema: z.object({ text: z.string().trim().min(1).max(500) }),
      handler({ text }, page) {
        page.publish(`chat:${page.state.room}`, { id: randomUUID(), text } satisfies Message);
      },
    },
  },
});
