/**
 * A pagebound server in its own process with options the CLI has no flag for (limits lowered so an
 * attack stays short). Prints the same start line as the CLI. Options: JSON in PB_TEST_OPTIONS.
 */
import { createServer } from '../../src/server.js';

const opts = JSON.parse(process.env.PB_TEST_OPTIONS ?? '{}');
const app = await createServer(opts);
const address = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`pagebound ${opts.dev ? 'dev' : 'start'}: ${address}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void app.close().then(() => process.exit(0)));
}
