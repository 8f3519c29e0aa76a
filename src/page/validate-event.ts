/**
 * Checks an event's payload against the Standard Schema its handler declared (zod, valibot, arktype…
 * anything implementing https://standardschema.dev). Pure: no I/O, no logging, no pagebound state, so
 * it can be tested alone and called wherever events are dispatched.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';

export type Validation<T> =
  | { ok: true; value: T }
  | { ok: false; issues: ReadonlyArray<StandardSchemaV1.Issue> };

/** Issues kept for the server log: enough to debug, bounded so a hostile payload cannot flood it. */
const MAX_ISSUES = 10;

/**
 * Validates `data` with `schema`. A schema that throws (a buggy refinement) counts as a failure
 * rather than escaping: the caller answers the event either way, and the handler never sees the data.
 */
export async function validateEvent<S extends StandardSchemaV1>(
  schema: S,
  data: unknown,
): Promise<Validation<StandardSchemaV1.InferOutput<S>>> {
  let result: StandardSchemaV1.Result<StandardSchemaV1.InferOutput<S>>;
  try {
    result = await schema['~standard'].validate(data);
  } catch {
    return { ok: false, issues: [{ message: 'the schema threw while validating' }] };
  }
  if (result.issues) return { ok: false, issues: result.issues.slice(0, MAX_ISSUES) };
  return { ok: true, value: result.value };
}

/** Whether `x` implements Standard Schema v1 (checked once, when a page is defined). */
export function isStandardSchema(x: unknown): x is StandardSchemaV1 {
  if ((typeof x !== 'object' && typeof x !== 'function') || x === null) return false;
  const std = (x as { '~standard'?: { version?: unknown; validate?: unknown } })['~standard'];
  return typeof std === 'object' && std !== null && std.version === 1 && typeof std.validate === 'function';
}

/**
 * The issue paths as dotted strings, for the server log only (never sent to the client: a record
 * key in a path is the client's own input).
 */
export function issuePaths(issues: ReadonlyArray<StandardSchemaV1.Issue>): string[] {
  return issues.map((issue) =>
    (issue.path ?? [])
      .map((seg) => String(typeof seg === 'object' && seg !== null ? seg.key : seg).slice(0, 64))
      .join('.') || '(root)',
  );
}
