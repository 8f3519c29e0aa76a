// A plain page (no instance of its own) that loads the runtime to talk to a separate script.
import { definePage } from './$types/socket-demo.js';

export default definePage({
  client: true,
  get: () => ({ title: 'ServerSocket to a separate script' }),
});
