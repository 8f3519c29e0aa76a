// The same page as static.page.ts plus one handler, which makes every render a live instance.
import { definePage } from 'pagebound';
import { catalog } from './data.js';

export default definePage({
  template: 'items.eta',
  get: () => catalog,
  on: { ping: () => 'pong' },
});
