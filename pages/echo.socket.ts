// A socket-only module: no page, just a live instance a page connects to with new ServerSocket('/echo').
import { defineSocket } from 'pagebound';

export default defineSocket({
  state: () => ({ shouts: 0 }),
  open(page) {
    page.emit('message', 'connected to /echo');
  },
  on: {
    shout(data: { text?: unknown }, page) {
      page.state.shouts++;
      return `${String(data?.text ?? '').toUpperCase().slice(0, 200)} (#${page.state.shouts})`;
    },
  },
});
