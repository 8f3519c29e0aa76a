/**
 * pagebound's public API. Everything else under src/ is internal: no type exported here names the
 * runtime, the registry, a page instance's class or a transport (test/types/public-api.test.ts).
 */
export { definePage, defineSocket } from './page/define-page.js';
export type {
  Page, PageDefinition, SocketDefinition, RequestContext, Redirect, RedirectOptions, EventHandler, EventContext, ValidatedEvent, Cleanup,
  DefinedPage, DefinedSocket, UploadedFile, PageDefiner, Params, EmitSchemas, EventMap, ClientContract, UploadEvent,
} from './page/define-page.js';
export type { UploadOptions } from './upload/limits.js';
export type { ReceivedFile } from './upload/received-file.js';
export type { AsyncJob, AsyncOutcome, AsyncWork } from './page/async-work.js';
export { loading, type AsyncValue, type AsyncKeys, type LoadWork } from './page/assign-async.js';
export { list, type LiveList, type ListDeclaration, type ListDeclarations } from './page/live-list.js';
export { pagebound } from './app.js';
export { defineConfig, type PageboundOptions, type PageboundConfig } from './config.js';
export { createServer, type ServerOptions } from './server.js';
export type { PubSub } from './pubsub/pubsub.js';
export * as errors from './errors.js';
