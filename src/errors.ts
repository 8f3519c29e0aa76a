/**
 * Every error pagebound raises, with a stable code. Codes are `PB_ERR_<AREA>_<PROBLEM>`; each
 * carries an HTTP status; the WebSocket close code for each is in docs/protocol.md §4.5. Messages say
 * what to do and never echo user input back to a client. docs/errors.md documents each code.
 */
import createError from '@fastify/error';

// Routing: raised at start-up, so the author sees them before any request.
export const PB_ERR_ROUTE_CONFLICT = createError<'PB_ERR_ROUTE_CONFLICT', 500, [string, string, string]>(
  'PB_ERR_ROUTE_CONFLICT',
  'Two page files map to the route "%s": %s and %s. Rename or remove one of them.',
  500,
);
export const PB_ERR_ROUTE_INVALID = createError<'PB_ERR_ROUTE_INVALID', 500, [string, string]>(
  'PB_ERR_ROUTE_INVALID',
  'The page file %s cannot become a route: %s',
  500,
);
export const PB_ERR_PAGES_DIR = createError<'PB_ERR_PAGES_DIR', 500, [string]>(
  'PB_ERR_PAGES_DIR',
  'The pages folder %s does not exist. Create it, or pass `pagesDir` pointing at your pages.',
  500,
);

// Page modules: raised when a page file is loaded.
export const PB_ERR_PAGE_EXPORT = createError<'PB_ERR_PAGE_EXPORT', 500, [string]>(
  'PB_ERR_PAGE_EXPORT',
  'The page file %s must `export default definePage({...})`.',
  500,
);
export const PB_ERR_TEMPLATE_MISSING = createError<'PB_ERR_TEMPLATE_MISSING', 500, [string, string]>(
  'PB_ERR_TEMPLATE_MISSING',
  'The page %s has no template: add %s beside it, or set `template` or `inline` in definePage().',
  500,
);
export const PB_ERR_CONFIG = createError<'PB_ERR_CONFIG', 500, [string]>(
  'PB_ERR_CONFIG',
  'Invalid pagebound option: %s',
  500,
);

// Requests.
export const PB_ERR_NOT_FOUND = createError('PB_ERR_NOT_FOUND', 'No page matches this URL.', 404);
export const PB_ERR_METHOD_NOT_ALLOWED = createError(
  'PB_ERR_METHOD_NOT_ALLOWED',
  'This page does not handle that HTTP method. Export a handler for it from definePage().',
  405,
);

// Live pages: the connection and session layer.
export const PB_ERR_ORIGIN = createError(
  'PB_ERR_ORIGIN',
  'The request Origin is not this site. Add it to `allowedOrigins` if it is trusted.',
  403,
);
export const PB_ERR_SESSION_MISMATCH = createError(
  'PB_ERR_SESSION_MISMATCH',
  'This page belongs to another browser session. Reload the page.',
  403,
);
export const PB_ERR_PAGE_EXPIRED = createError(
  'PB_ERR_PAGE_EXPIRED',
  'This page instance no longer exists on the server. Reload the page.',
  410,
);
export const PB_ERR_HELLO_REQUIRED = createError(
  'PB_ERR_HELLO_REQUIRED',
  'The first frame of a connection must be `hello` (docs/protocol.md §3).',
  400,
);
export const PB_ERR_PROTOCOL = createError<'PB_ERR_PROTOCOL', 400, [string]>(
  'PB_ERR_PROTOCOL',
  'Malformed frame: %s (docs/protocol.md §2).',
  400,
);
export const PB_ERR_FRAME_TOO_LARGE = createError(
  'PB_ERR_FRAME_TOO_LARGE',
  'A frame is larger than `maxFrameBytes`. Send smaller events or raise the limit.',
  413,
);
export const PB_ERR_MAILBOX_FULL = createError(
  'PB_ERR_MAILBOX_FULL',
  'The page has too many events waiting (`maxMailbox`). The client will resend after a pause.',
  429,
);
export const PB_ERR_TOO_MANY_PAGES = createError(
  'PB_ERR_TOO_MANY_PAGES',
  'The server holds `maxInstances` live pages already. Try again later.',
  503,
);
export const PB_ERR_CONN_STALE = createError(
  'PB_ERR_CONN_STALE',
  'This HTTP connection was replaced by a newer one. Send `hello` again.',
  409,
);

// Events and handlers.
export const PB_ERR_EVENT_UNKNOWN = createError<'PB_ERR_EVENT_UNKNOWN', 400, [string]>(
  'PB_ERR_EVENT_UNKNOWN',
  'The page declares no handler for the event "%s". Add it to `on` or define __serverSocketEvent.',
  400,
);
export const PB_ERR_EVENT_INVALID = createError<'PB_ERR_EVENT_INVALID', 400, [string]>(
  'PB_ERR_EVENT_INVALID',
  'The data sent with the event "%s" does not match the schema its handler declares. Send data of that shape.',
  400,
);
export const PB_ERR_HANDLER = createError<'PB_ERR_HANDLER', 500, [string]>(
  'PB_ERR_HANDLER',
  'The handler for "%s" failed. The page goes on; see the server log.',
  500,
);
export const PB_ERR_PAGE_CLOSED = createError(
  'PB_ERR_PAGE_CLOSED',
  'The page instance is closed; it no longer takes events, timers or subscriptions.',
  410,
);

/** The JSON body pagebound answers an HTTP error with: the code and its message, nothing else. */
export const errorBody = (err: { code: string; message: string }): { code: string; message: string } => ({
  code: err.code,
  message: err.message,
});
