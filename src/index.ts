/**
 * pagebound's public API. Everything else under src/ is internal: no type exported here names the
 * runtime, the registry, a page instance's class or a transport (test/types/public-api.test.ts).
 */
export { definePage, defineSocket } from './page/define-page.js';
export type {
  Page, PageDefinition, SocketDefinition, RequestContext, Redirect, EventHandler, ValidatedEvent, Cleanup,
  DefinedPage, DefinedSocket, PageDefiner, Params, EmitSchemas, EventMap, ClientContract,
} from './page/define-page.js';
export { pagebound } from './app.js';
export type { PageboundOptions } from './config.js';
export { createServer, type ServerOptions } from './server.js';
export type { PubSub } from './pubsub/pubsub.js';
export * as errors from './errors.js';
