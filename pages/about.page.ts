// A page with no live handlers: plain server-rendered HTML, no instance kept, no client script.
import { definePage } from './$types/about.js';

export default definePage({
  inline: `<h1>About</h1><p>Rendered at <%= it.now %>. This page has no live handlers, so it keeps no instance.</p>`,
  get: () => ({ title: 'About', now: new Date().toISOString() }),
});
