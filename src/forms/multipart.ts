/**
 * Multipart forms for page handlers, on @fastify/multipart: fields become `ctx.body` (like an
 * urlencoded form) and files `ctx.files`, read into memory within `maxUploadBytes` per file,
 * `maxUploadFiles` files and `maxFormFields` fields. Whatever a body parser or the multipart reader
 * refuses becomes one of two typed errors (413 too large, 400 unreadable), never Fastify's raw JSON.
 */
import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import { PB_ERR_FORM_INVALID, PB_ERR_FORM_TOO_LARGE } from '../errors.js';
import type { UploadedFile } from '../page/define-page.js';


export interface UploadLimits { maxUploadBytes: number; maxUploadFiles: number; maxFormFields: number }

export interface MultipartForm { fields: Record<string, string | string[]>; files: UploadedFile[] }

function add(fields: Record<string, string | string[]>, name: string, value: string): void {
  const prior = fields[name];
  // A repeated name (checkboxes, multi-selects) becomes a list, as urlencoded forms do.
  fields[name] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
}

interface AttachedPart { type: 'file' | 'field'; fieldname: string; value?: unknown; filename?: string; mimetype?: string; toBuffer?: () => Promise<Buffer> }
const isPart = (x: unknown): x is AttachedPart =>
  typeof x === 'object' && x !== null && ((x as AttachedPart).type === 'file' || (x as AttachedPart).type === 'field');

/**
 * A host app whose @fastify/multipart has `attachFieldsToBody: true` parsed the form already (with
 * its own limits): its parts are taken from the body instead of reading a stream that is gone.
 */
async function fromAttachedBody(body: Record<string, unknown>): Promise<MultipartForm> {
  const fields: Record<string, string | string[]> = Object.create(null);
  const files: UploadedFile[] = [];
  for (const entry of Object.values(body)) {
    for (const part of [entry].flat()) {
      if (!isPart(part)) continue;
      if (part.type === 'field') add(fields, part.fieldname, String(part.value));
      else if (part.toBuffer) {
        files.push({ field: part.fieldname, filename: part.filename ?? '', mimetype: part.mimetype ?? '', data: await part.toBuffer() });
      }
    }
  }
  return { fields, files };
}

/** Reads a multipart request's fields and files within the limits. */
export async function readMultipart(request: FastifyRequest, limits: UploadLimits): Promise<MultipartForm> {
  if (typeof request.body === 'object' && request.body !== null) return fromAttachedBody(request.body as Record<string, unknown>);
  const fields: Record<string, string | string[]> = Object.create(null);
  const files: UploadedFile[] = [];
  const parts = request.parts({
    limits: {
      fileSize: limits.maxUploadBytes,
      files: limits.maxUploadFiles,
      fields: limits.maxFormFields,
      parts: limits.maxUploadFiles + limits.maxFormFields,
    },
  });
  try {
    for await (const part of parts) {
      if (part.type === 'file') {
        const data = await part.toBuffer();
        // An empty file input still posts a part with no name and no bytes: not an upload.
        if (part.filename || data.length > 0) {
          files.push({ field: part.fieldname, filename: part.filename, mimetype: part.mimetype, data });
        }
      } else {
        add(fields, part.fieldname, typeof part.value === 'string' ? part.value : String(part.value));
      }
    }
  } catch (err) {
    // Anything reading the body fails on is the body's fault: too large, or unreadable.
    throw formError(err) ?? new PB_ERR_FORM_INVALID();
  }
  return { fields, files };
}

const TOO_LARGE = new Set([
  'FST_REQ_FILE_TOO_LARGE', 'FST_FILES_LIMIT', 'FST_FIELDS_LIMIT', 'FST_PARTS_LIMIT', 'FST_ERR_CTP_BODY_TOO_LARGE',
]);
const UNREADABLE = new Set([
  'FST_PROTO_VIOLATION', 'FST_INVALID_MULTIPART_CONTENT_TYPE', 'FST_INVALID_JSON_FIELD_ERROR', 'FST_MP_PREMATURE_CLOSE',
  'FST_ERR_CTP_INVALID_MEDIA_TYPE', 'FST_ERR_CTP_EMPTY_JSON_BODY', 'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
  'FST_ERR_CTP_EMPTY_TYPE', 'FST_ERR_CTP_INVALID_TYPE',
]);

/** The typed error for a body the parsers refused, or undefined when `err` is not about the body. */
export function formError(err: unknown): Error | undefined {
  const e = err as { code?: string; statusCode?: number; message?: string } | undefined;
  if (e?.code && TOO_LARGE.has(e.code)) return new PB_ERR_FORM_TOO_LARGE();
  if (e?.code && UNREADABLE.has(e.code)) return new PB_ERR_FORM_INVALID();
  // A JSON body's syntax error is a 400 with Fastify's code.
  if (e?.code?.startsWith('FST_ERR_CTP_') && e.statusCode === 400) return new PB_ERR_FORM_INVALID();
  return undefined;
}
