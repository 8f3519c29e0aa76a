// A catch-all: /docs, /docs/a, /docs/a/b/c all land here with `params.path`.
import { definePage } from 'pagebound';

export default definePage<undefined, { path: string }>({
  get: (ctx) => ({ title: 'Docs', path: ctx.params.path, parts: ctx.params.path.split('/').filter(Boolean) }),
});
