/**
 * What every stage of a pagebound app shares: options, the live pages, modules, templates, the
 * pub/sub and the client bundle. Built once by the plugin in app.ts.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ResolvedOptions } from './config.js';
import type { Registry } from './page/registry.js';
import type { ModuleLoader } from './page/module-loader.js';
import type { Templates } from './render/templates.js';
import type { PubSub } from './pubsub/pubsub.js';
import type { ClientBundle } from './render/client-bundle.js';
import type { PageRouter } from './routing/page-router.js';
import type { Drain } from './drain.js';

export interface Runtime {
  options: ResolvedOptions;
  registry: Registry;
  loader: ModuleLoader;
  templates: Templates;
  pubsub: PubSub;
  bundle: ClientBundle;
  router: PageRouter;
  log: FastifyBaseLogger;
  /** Graceful shutdown for a node behind a load balancer (SIGTERM in the CLI). */
  drain: Drain;
}
