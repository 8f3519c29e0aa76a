// The same page as static.page.ts with its template given as `inline:` source (as small pages and
// the test fixtures write it), to show what an inline template costs per request.
import { readFileSync } from 'node:fs';
import { definePage } from 'pagebound';
import { catalog } from './data.js';

export default definePage({
  inline: readFileSync(new URL('./items.eta', import.meta.url), 'utf8'),
  get: () => catalog,
});
