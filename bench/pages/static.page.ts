// Not live: no handlers, so the render leaves no instance behind. Same template and data as the
// bare-Fastify peer in bench/servers/bare-fastify.ts.
import { definePage } from 'pagebound';
import { catalog } from './data.js';

export default definePage({ template: 'items.eta', get: () => catalog });
