/**
 * Every error pagebound raises, with a stable code. Codes are `PB_ERR_<AREA>_<PROBLEM>`; each
 * carries an HTTP status; live-connection codes also a close code and a client reaction (protocol/refusals.ts). Messages say
 * what to do and never echo user input back to a client. docs/errors.md documents each code.
 */
import createError from '@fastify/error';
import { Refusals, RefusalMessages, type RefusalCode } from './protocol/refusals.js';

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
export const PB_ERR_TEMPLATE_SYNTAX = createError<'PB_ERR_TEMPLATE_SYNTAX', 500, [string, number, number, string]>(
  'PB_ERR_TEMPLATE_SYNTAX',
  'Template syntax error at %s:%d:%d: %s. Fix the template at that line.',
  500,
);
export const PB_ERR_CONFIG = createError<'PB_ERR_CONFIG', 500, [string]>(
  'PB_ERR_CONFIG',
  'Invalid pagebound option: %s',
  500,
);

export const PB_ERR_COOKIE_SECRET = createError(
  'PB_ERR_COOKIE_SECRET',
  'The app registered @fastify/cookie without a secret, and pagebound signs its session cookie. Register @fastify/cookie with { secret } (16+ characters), or let pagebound register it.',
  500,
);
export const PB_ERR_PUBSUB_CONNECT = createError<'PB_ERR_PUBSUB_CONNECT', 500, [number]>(
  'PB_ERR_PUBSUB_CONNECT',
  'Redis (PAGEBOUND_REDIS_URL or the `pubsub` option) did not answer within %d ms. Start Redis or fix the URL.',
  500,
);

// Durable pages (docs/protocol.md §7.4).
export const PB_ERR_DURABLE_STATE = createError<'PB_ERR_DURABLE_STATE', 500, [string, number]>(
  'PB_ERR_DURABLE_STATE',
  'A durable page\'s state must be plain JSON (objects, arrays, strings, finite numbers, booleans, null) of at most maxDurableStateBytes: it %s (limit %d bytes). Keep functions, class instances, Maps, Dates and handles out of `state`, and re-create them in `mount`.',
  500,
);

// Requests.
export const PB_ERR_NOT_FOUND = createError('PB_ERR_NOT_FOUND', 'No page matches this URL.', 404);
export const PB_ERR_METHOD_NOT_ALLOWED = createError(
  'PB_ERR_METHOD_NOT_ALLOWED',
  'This page does not handle that HTTP method. Export a handler for it from definePage().',
  405,
);

export const PB_ERR_BAD_URL = createError(
  'PB_ERR_BAD_URL',
  'The URL is not valid (a broken percent-encoding or a character not allowed). Check the link.',
  400,
);

// Forms posted to pages.
export const PB_ERR_FORM_TOO_LARGE = createError(
  'PB_ERR_FORM_TOO_LARGE',
  'The form is too large: a file over `maxUploadBytes`, more than `maxUploadFiles` files or `maxFormFields` fields, or a body over the size limit.',
  413,
);
export const PB_ERR_FORM_INVALID = createError(
  'PB_ERR_FORM_INVALID',
  'The form body could not be read: it is malformed, cut short, or of a type pages do not accept (urlencoded, multipart or JSON).',
  400,
);
export const PB_ERR_CSRF = createError(
  'PB_ERR_CSRF',
  'This form was posted from another site. Post it from a page of this site, or add the origin to `allowedOrigins`.',
  403,
);
export const PB_ERR_FLASH_TOO_LARGE = createError(
  'PB_ERR_FLASH_TOO_LARGE',
  'A flash message is limited to 1024 characters; keep it short and put details on the page.',
  500,
);

// Responses and what pages put in them.
export const PB_ERR_HOST = createError(
  'PB_ERR_HOST',
  'This server does not answer for that Host. Add the host name to `allowedHosts` if it is yours.',
  403,
);
export const PB_ERR_RENDER_TIMEOUT = createError(
  'PB_ERR_RENDER_TIMEOUT',
  'The page handler did not finish within `renderTimeoutMs`. Make it faster, or raise the limit.',
  503,
);
export const PB_ERR_HEADER_INVALID = createError(
  'PB_ERR_HEADER_INVALID',
  'A response header set by the page has an invalid name or value (a CR, LF or other control character). Never put unchecked input in a header.',
  500,
);
export const PB_ERR_REDIRECT_HOST = createError(
  'PB_ERR_REDIRECT_HOST',
  'ctx.redirect() refused a URL on another host. Redirect to a path on this site, or pass `{ allowOtherHost: true }` for a target you trust.',
  500,
);
export const PB_ERR_REDIRECT_SCHEME = createError(
  'PB_ERR_REDIRECT_SCHEME',
  'ctx.redirect() only follows valid http: and https: URLs (never javascript:, data: or others). Redirect to a path on this site.',
  500,
);
export const PB_ERR_INTERNAL = createError(
  'PB_ERR_INTERNAL',
  'Something went wrong on the server. The details are in the server log.',
  500,
);

// Live pages: the connection and session layer. Status, close code and message come from the one
// refusal table (src/protocol/refusals.ts), which the transports and the browser runtime read too.
const refusal = <C extends RefusalCode>(code: C) =>
  // Status 0 marks a refusal that is never an HTTP answer (a close code only).
  createError<C, number, []>(code, RefusalMessages[code], Refusals[code].status || 500);

export const PB_ERR_ORIGIN = refusal('PB_ERR_ORIGIN');
export const PB_ERR_SESSION_MISMATCH = refusal('PB_ERR_SESSION_MISMATCH');
export const PB_ERR_PAGE_EXPIRED = refusal('PB_ERR_PAGE_EXPIRED');
export const PB_ERR_HELLO_REQUIRED = refusal('PB_ERR_HELLO_REQUIRED');
export const PB_ERR_PROTOCOL = refusal('PB_ERR_PROTOCOL');
export const PB_ERR_FRAME_TOO_LARGE = refusal('PB_ERR_FRAME_TOO_LARGE');
export const PB_ERR_MAILBOX_FULL = refusal('PB_ERR_MAILBOX_FULL');
export const PB_ERR_STREAM_FULL = refusal('PB_ERR_STREAM_FULL');
export const PB_ERR_SLOW_READER = refusal('PB_ERR_SLOW_READER');
export const PB_ERR_CONN_REPLACED = refusal('PB_ERR_CONN_REPLACED');
export const PB_ERR_CONN_STALE = refusal('PB_ERR_CONN_STALE');
export const PB_ERR_TOO_MANY_PAGES = refusal('PB_ERR_TOO_MANY_PAGES');
export const PB_ERR_DRAINING = refusal('PB_ERR_DRAINING');

// Events and handlers.
export const PB_ERR_EVENT_UNKNOWN = createError(
  'PB_ERR_EVENT_UNKNOWN',
  'The page declares no handler for this event name. Add it to `on` or define __serverSocketEvent.',
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
export const PB_ERR_EVENT_TIMEOUT = createError(
  'PB_ERR_EVENT_TIMEOUT',
  'The handler for this event ran longer than `eventTimeoutMs`; its signal was aborted and the page moved on.',
  504,
);
// Keyed lists (`page.list`, docs/protocol.md §2.4): the page author's mistakes, thrown at the call.
export const PB_ERR_LIST_UNKNOWN = createError<'PB_ERR_LIST_UNKNOWN', 500, [string]>(
  'PB_ERR_LIST_UNKNOWN',
  'The page declares no list named "%s". Declare it in definePage({ lists: { name: { item: \'item.eta\' } } }).',
  500,
);
export const PB_ERR_LIST_ITEM_ID = createError<'PB_ERR_LIST_ITEM_ID', 500, [string]>(
  'PB_ERR_LIST_ITEM_ID',
  'An item of the list "%s" rendered without an id on its root element. Give the item template one element with a unique id, e.g. <li id="msg-<%%= it.id %%>">.',
  500,
);
export const PB_ERR_PAGE_CLOSED = createError(
  'PB_ERR_PAGE_CLOSED',
  'The page instance is closed; it no longer takes events, timers or subscriptions.',
  410,
);

// Uploads from live forms (src/upload/, docs/protocol.md §2.4): answered to the `pb:upload` request
// or to the form's event, as `re.e`; each message says what to do and never repeats a file's name or type.
export const PB_ERR_UPLOAD_INVALID = createError(
  'PB_ERR_UPLOAD_INVALID',
  'The upload request is malformed (docs/protocol.md §2.4). The official runtime never sends one.',
  400,
);
export const PB_ERR_UPLOAD_NOT_ACCEPTED = createError(
  'PB_ERR_UPLOAD_NOT_ACCEPTED',
  'This event takes no files. Declare `upload` on its handler (durable pages take none).',
  400,
);
export const PB_ERR_UPLOAD_TOO_LARGE = createError<'PB_ERR_UPLOAD_TOO_LARGE', 413, [number]>(
  'PB_ERR_UPLOAD_TOO_LARGE',
  'A file is larger than this form takes (%d bytes at most). Choose a smaller file.',
  413,
);
export const PB_ERR_UPLOAD_TOO_MANY = createError<'PB_ERR_UPLOAD_TOO_MANY', 413, [number]>(
  'PB_ERR_UPLOAD_TOO_MANY',
  'This form takes at most %d files at once. Choose fewer.',
  413,
);
export const PB_ERR_UPLOAD_TYPE = createError<'PB_ERR_UPLOAD_TYPE', 415, [string]>(
  'PB_ERR_UPLOAD_TYPE',
  'A file is of a type this form does not take. Choose one of: %s.',
  415,
);
export const PB_ERR_UPLOAD_QUOTA = createError(
  'PB_ERR_UPLOAD_QUOTA',
  'The server has no room for more uploads right now (maxUploadDiskBytes). Try again later.',
  507,
);

export const PB_ERR_UPLOAD_SESSION_QUOTA = createError(
  'PB_ERR_UPLOAD_SESSION_QUOTA',
  'Your uploads in progress already use this session\'s share of the server\'s disk (maxUploadDiskBytesPerSession). Wait for them to finish, then send the form again.',
  507,
);
export const PB_ERR_UPLOAD_TIMEOUT = createError(
  'PB_ERR_UPLOAD_TIMEOUT',
  'The upload stalled: no bytes arrived for `uploadIdleMs`. Send the form again.',
  408,
);
export const PB_ERR_UPLOAD_INCOMPLETE = createError(
  'PB_ERR_UPLOAD_INCOMPLETE',
  'The upload did not arrive whole (it was cut short, replaced by a newer one, or sent past its declared size). Send the form again.',
  400,
);
export const PB_ERR_UPLOAD_FAILED = createError(
  'PB_ERR_UPLOAD_FAILED',
  'The server could not store the upload. Try again; the details are in the server log.',
  500,
);

/** The JSON body pagebound answers an HTTP error with: the code and its message, nothing else. */
export const errorBody = (err: { code: string; message: string }): { code: string; message: string } => ({
  code: err.code,
  message: err.message,
});
