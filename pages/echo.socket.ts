// A socket-only module: no page, just a live instance a page connects to with new ServerSocket('/echo').
import { z } from 'zod';
import { defineSocket } from 'pagebound';

export default defineSocket({
  state: () => ({ shouts: 0 }),
  emits: { message: z.string() },
  open(page) {
    page.emit('message', 'connected to /echo');
  },
  on: {
    shout: {
      schema: z.object({ text: z.string().max(200) }),
      handler({ text }, page) {
        page.state.shouts++;
        return `${text.toUpperCase()} (#${page.state.shouts})`;
      },
    },
  },
});
