/**
 * The fault proxy of `pagebound/testing` under the name pagebound's own network tests use.
 */
export { startFaultProxy as startChaosProxy, type FaultProxy as ChaosProxy } from '../../src/testing/fault-proxy.js';
