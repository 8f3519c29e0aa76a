/**
 * Errors the runtime raises or rejects with. They carry a stable `code` (the server's `PB_ERR_*`
 * codes, plus a few that only the client can detect) so callers branch on codes, not messages.
 */
import type { ErrorInfo } from '../src/protocol/frames.js';

export interface PbError extends Error {
  code: string;
}

export function pbError(code: string, message: string, stack?: string): PbError {
  const err = new Error(message) as PbError;
  err.code = code;
  // A server stack (dev mode) points at the failing handler, which is what the author needs.
  if (stack) err.stack = stack;
  return err;
}

export const fromInfo = (e: ErrorInfo): PbError => pbError(e.code, e.message, e.stack);
