/**
 * What an event's `upload` declares, and how a `pb:upload` request (docs/protocol.md §2.4) is
 * checked against it — the files' count, sizes and types — before a byte of them is sent. Pure: no
 * I/O. Everything in a request is the browser's claim; the sizes are enforced again as bytes arrive.
 */
import { EVENT_NAME_RE } from '../protocol/constants.js';
import { PB_ERR_UPLOAD_INVALID, PB_ERR_UPLOAD_TOO_LARGE, PB_ERR_UPLOAD_TOO_MANY, PB_ERR_UPLOAD_TYPE } from '../errors.js';

/** An event's `upload`: limits of the files one submit of its form may carry. */
export interface UploadOptions {
  /** Largest file, bytes. Default: the `maxUploadBytes` option (10 MiB). */
  maxFileBytes?: number;
  /** Most files in one submit. Default: the `maxUploadFiles` option (5). */
  maxFiles?: number;
  /**
   * Types taken, as in `<input accept>`: MIME types (`image/png`), wildcards (`image/*`) and name
   * extensions (`.pdf`); each file must match one. Checked against what the browser claims, which
   * a client can forge: check the content before trusting it. Default: any type.
   */
  accept?: readonly string[];
}

/** Limits with the app's defaults filled in. */
export interface UploadLimits {
  maxFileBytes: number;
  maxFiles: number;
  accept: readonly string[] | undefined;
}

/** The app-wide defaults an event's `upload` starts from. */
export interface UploadDefaults {
  maxUploadBytes: number;
  maxUploadFiles: number;
}

/**
 * Where a wrapped event handler keeps its declared `upload` (src/page/define-page.ts). From the
 * global registry, as PAGE_BRAND: a page module may load its own copy of pagebound.
 */
export const UPLOAD_OPTIONS: unique symbol = Symbol.for('pagebound.upload') as never;

/** The `upload` a wrapped handler declares, or undefined when it takes no files. */
export const uploadOptionsOf = (handler: unknown): UploadOptions | undefined =>
  typeof handler === 'function' ? (handler as { [UPLOAD_OPTIONS]?: UploadOptions })[UPLOAD_OPTIONS] : undefined;

/** Hard caps on a request's own fields, whatever the limits: they bound what is kept per file. */
const MAX_FILES_PER_REQUEST = 1000;
const MAX_FIELD_CHARS = 256;
const MAX_NAME_CHARS = 1024;
const MAX_TYPE_CHARS = 255;
/** Longest name handed to a handler: most file systems' limit on one path segment. */
const SAFE_NAME_CHARS = 255;

/** Checks an author's `upload` when the page module loads, so a typo fails there, not on the first upload. */
export function checkUploadOptions(event: string, opts: unknown): UploadOptions {
  if (opts === true) return {};
  const o = opts as UploadOptions;
  const bad = (what: string) => new TypeError(`The upload of "${event}" ${what}`);
  if (typeof o !== 'object' || o === null) throw bad('must be true or { maxFileBytes, maxFiles, accept }');
  for (const key of ['maxFileBytes', 'maxFiles'] as const) {
    const v = o[key];
    if (v !== undefined && !(Number.isSafeInteger(v) && v > 0)) throw bad(`needs ${key} to be a positive integer`);
  }
  if (o.accept !== undefined && !(Array.isArray(o.accept) && o.accept.every((a) => typeof a === 'string' && a.length > 0))) {
    throw bad('needs accept to be a list of types (image/png, image/*, .pdf)');
  }
  return o;
}

export function resolveLimits(opts: UploadOptions, defaults: UploadDefaults): UploadLimits {
  return {
    maxFileBytes: opts.maxFileBytes ?? defaults.maxUploadBytes,
    maxFiles: opts.maxFiles ?? defaults.maxUploadFiles,
    accept: opts.accept?.map((a) => a.trim().toLowerCase()),
  };
}

/** One file as the browser describes it. */
export interface FileClaim {
  /** The file input's name. */
  field: string;
  name: string;
  size: number;
  type: string;
}

/** A `pb:upload` request: which event's form, and its files in the order their bytes will come. */
export interface UploadRequest {
  event: string;
  files: FileClaim[];
}

const str = (v: unknown, max: number, min = 0): v is string => typeof v === 'string' && v.length >= min && v.length <= max;

/** The request, or PB_ERR_UPLOAD_INVALID for anything not of its shape. */
export function parseRequest(data: unknown): UploadRequest | Error {
  const d = data as { event?: unknown; files?: unknown } | null;
  if (typeof d !== 'object' || d === null || typeof d.event !== 'string' || !EVENT_NAME_RE.test(d.event)) return new PB_ERR_UPLOAD_INVALID();
  if (!Array.isArray(d.files) || d.files.length === 0 || d.files.length > MAX_FILES_PER_REQUEST) return new PB_ERR_UPLOAD_INVALID();
  const files: FileClaim[] = [];
  for (const f of d.files as Array<Record<string, unknown> | null>) {
    if (typeof f !== 'object' || f === null) return new PB_ERR_UPLOAD_INVALID();
    const { field, name, size, type } = f;
    if (!str(field, MAX_FIELD_CHARS, 1) || !str(name, MAX_NAME_CHARS) || !str(type, MAX_TYPE_CHARS) ||
      !Number.isSafeInteger(size) || (size as number) < 0) return new PB_ERR_UPLOAD_INVALID();
    files.push({ field, name, size: size as number, type });
  }
  return { event: d.event, files };
}

/** The first limit the files break, or null when they fit. */
export function checkFiles(files: readonly FileClaim[], limits: UploadLimits): Error | null {
  if (files.length > limits.maxFiles) return new PB_ERR_UPLOAD_TOO_MANY(limits.maxFiles);
  for (const f of files) {
    if (f.size > limits.maxFileBytes) return new PB_ERR_UPLOAD_TOO_LARGE(limits.maxFileBytes);
    if (limits.accept && !accepts(limits.accept, f.name, f.type)) return new PB_ERR_UPLOAD_TYPE(limits.accept.join(', '));
  }
  return null;
}

/**
 * `<input accept>` matching (HTML §4.10.5.1.18): an extension matches the end of the name, a MIME
 * type the claimed type exactly, `type/*` any subtype; case-insensitive. Parameters (`;charset=…`)
 * of the claimed type are ignored.
 */
export function accepts(accept: readonly string[], name: string, type: string): boolean {
  const lowerName = name.toLowerCase();
  const mime = type.split(';')[0]!.trim().toLowerCase();
  return accept.some((a) =>
    a.startsWith('.') ? lowerName.endsWith(a) && lowerName.length > a.length
      : a.endsWith('/*') ? mime.startsWith(a.slice(0, -1)) && mime.length > a.length - 1
        : mime === a);
}

/**
 * The name to show for a file: its last path segment (a browser's `C:\fakepath\…`, or `../../x`
 * from a forged client), without control or bidirectional-override characters, at most 255
 * characters. Still the client's words: never a path on the server (pagebound names the temp
 * file itself) and escaped like any input when shown.
 */
export function safeName(name: string): string {
  const last = name.split(/[/\\]/).pop() ?? '';
  // C0/C1 controls, and the bidi overrides that make `exe.pdf` read as `fdp.exe`.
  const clean = last.normalize('NFC').replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  const cut = Array.from(clean).slice(0, SAFE_NAME_CHARS).join('');
  return cut === '' || cut === '.' || cut === '..' ? 'file' : cut;
}
