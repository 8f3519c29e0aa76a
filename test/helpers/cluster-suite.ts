/**
 * A test file's cluster (test/helpers/cluster.ts), and a Chromium for it when asked: both started
 * once before the file's tests, in parallel, and stopped after them whatever happened.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../e2e/browser.js';
import { startCluster, type ClusterOptions, type TestCluster } from './cluster.js';

export interface ClusterSuite {
  readonly cluster: TestCluster;
  /** Chromium; only with `browser: true`. */
  readonly browser: Browser;
}

export function clusterSuite(pagesDir: string, opts: ClusterOptions & { browser?: boolean } = {}): ClusterSuite {
  let cluster: TestCluster | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [cluster, browser] = await Promise.all([startCluster(pagesDir, opts), opts.browser ? launchBrowser() : undefined]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close().catch(() => {});
    await cluster?.stop();
  });
  return {
    get cluster() {
      if (!cluster) throw new Error('the cluster did not start');
      return cluster;
    },
    get browser() {
      if (!browser) throw new Error('no browser: clusterSuite(…, { browser: true })');
      return browser;
    },
  };
}
