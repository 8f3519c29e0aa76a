// The seed demo from the ServerSocket proposal: the handler that rendered the page answers its click.
import { definePage } from './$types/index.js';

export default definePage({
  get: () => ({ title: 'pagebound' }),
  __serverSocketEvent(name, _event, page) {
    if (name === 'test_click') page.emit('message', 'You clicked the button');
  },
});
