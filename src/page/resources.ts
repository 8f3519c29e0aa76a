/**
 * Disposing what a page owns: anything with Symbol.asyncDispose, Symbol.dispose, a close() method,
 * or a plain cleanup function. Disposal errors are reported, never thrown, so one bad resource
 * cannot keep the others open.
 */
import type { Cleanup } from './define-page.js';

const asyncDispose: symbol = (Symbol as { asyncDispose?: symbol }).asyncDispose ?? Symbol.for('Symbol.asyncDispose');
const dispose: symbol = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for('Symbol.dispose');

export function isCleanup(x: unknown): x is Cleanup {
  if (typeof x === 'function') return true;
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<PropertyKey, unknown>;
  return typeof o[asyncDispose] === 'function' || typeof o[dispose] === 'function' || typeof o.close === 'function';
}

export async function disposeResource(resource: Cleanup): Promise<void> {
  if (typeof resource === 'function') {
    await resource();
    return;
  }
  const o = resource as unknown as Record<PropertyKey, () => unknown>;
  if (typeof o[asyncDispose] === 'function') await o[asyncDispose]!();
  else if (typeof o[dispose] === 'function') o[dispose]!();
  else await o.close!();
}
