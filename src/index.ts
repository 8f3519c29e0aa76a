/**
 * pagebound's public API. Everything else under src/ is internal.
 */
export { definePage, defineSocket } from './page/define-page.js';
export type {
  Page, PageDefinition, SocketDefinition, RequestContext, Redirect, RedirectOptions, EventHandler, EventContext, Cleanup,
  DefinedPage, DefinedSocket, UploadedFile,
} from './page/define-page.js';
export type { AsyncJob, AsyncOutcome, AsyncWork } from './page/async-work.js';
export { pagebound } from './app.js';
export { defineConfig, type PageboundOptions, type PageboundConfig } from './config.js';
export { createServer, type ServerOptions } from './server.js';
export type { PubSub } from './pubsub/pubsub.js';
export * as errors from './errors.js';
