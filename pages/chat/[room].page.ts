// Pages talk to each other through topics: every page in a room subscribes to that room's topic.
import { definePage } from 'pagebound';

interface Message { from: string; text: string }

export default definePage<undefined, { room: string }>({
  get: (ctx, page) => {
    const topic = `chat:${ctx.params.room}`;
    page.subscribe<Message>(topic, (msg) => page.emit('chat', msg));
    page.on('say', (data: { text?: unknown }) => {
      const text = String(data?.text ?? '').trim().slice(0, 500);
      if (text) page.publish(topic, { from: page.id.slice(0, 4), text });
    });
    return { title: `Chat: ${ctx.params.room}`, room: ctx.params.room };
  },
});
