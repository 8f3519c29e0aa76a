// A catch-all: /docs, /docs/a, /docs/a/b/c all land here with `params.path` ('', 'a', 'a/b/c').
import { definePage } from './$types/[...path].js';

export default definePage({
  get: (ctx) => ({ title: 'Docs', path: ctx.params.path, parts: ctx.params.path.split('/').filter(Boolean) }),
});
