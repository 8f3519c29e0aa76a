/**
 * What every stage of a pagebound app shares: options, the live pages, modules, templates, the
 * pub/sub and the client bundle. Built once by the plugin in app.ts.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ResolvedOptions } from './config.js';
import type { Registry } from './page/registry.js';
import type { Endpoints } from './endpoint/endpoints.js';
import type { ModuleLoader } from './page/module-loader.js';
import type { Templates } from './render/templates.js';
import type { PubSub } from './pubsub/pubsub.js';
import type { ClientBundle } from './render/client-bundle.js';
import type { PageRouter } from './routing/page-router.js';
import type { DevLoop } from './dev/dev-loop.js';
import type { Metrics } from './metrics/metrics.js';
import type { Drain } from './drain.js';
import type { DurablePages } from './durable/durable-pages.js';
import type { UploadDisk } from './upload/disk.js';

export interface Runtime {
  options: ResolvedOptions;
  registry: Registry;
  endpoints: Endpoints;
  loader: ModuleLoader;
  templates: Templates;
  pubsub: PubSub;
  bundle: ClientBundle;
  router: PageRouter;
  log: FastifyBaseLogger;
  /** `pagebound dev` only: the loop that updates open pages when files change. */
  dev?: DevLoop;
  metrics: Metrics;
  /** The prefix pagebound is registered under (`''` at the root): pages, client and live endpoints sit below it. */
  prefix: string;
  /** Graceful shutdown for a node behind a load balancer (SIGTERM in the CLI). */
  drain: Drain;
  /** Durable pages: their store, first commits and claims (docs/protocol.md §7.4). */
  durable: DurablePages;
  /** Live-form uploads: this process's temp folder and disk quota (src/upload/). */
  uploads: UploadDisk;
}

// Declared here, not in app.ts: the public plugin's declarations must not carry this internal type
// to applications (test/types/public-api.test.ts).
declare module 'fastify' {
  interface FastifyInstance {
    /** pagebound's runtime, for pagebound's own tools and tests; not part of the public API. */
    pagebound: Runtime;
  }
}
