// Pages talk to each other through topics: every page in a room subscribes to that room's topic,
// keeps the last messages in its state, and redraws its log when one arrives. No client script.
import { randomUUID } from 'node:crypto';
import { definePage } from 'pagebound';

interface Message { id: string; text: string }
/** Messages a page keeps (and shows): older ones scroll away. */
const KEEP = 50;

export default definePage<{ room: string; messages: Message[] }, { room: string }>({
  state: (ctx) => ({ room: ctx.params.room, messages: [] }),
  get: (_ctx, page) => {
    page.subscribe<Message>(`chat:${page.state.room}`, (msg) => {
      page.state.messages = [...page.state.messages, msg].slice(-KEEP);
    });
    return { title: `Chat: ${page.state.room}`, ...page.state };
  },
  on: {
    say(data: { text?: unknown }, page) {
      const text = String(data?.text ?? '').trim().slice(0, 500);
      if (text) page.publish(`chat:${page.state.room}`, { id: randomUUID(), text });
    },
  },
});
