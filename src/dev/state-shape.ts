/**
 * Whether an open page's state still fits an edited page module: the old state and a fresh
 * `state()` from the new module must have the same keys with the same kinds of value (to two
 * levels). Then the instance keeps its state under the new handlers; otherwise the tab reloads,
 * since handlers written for another shape would misread it.
 */

/** A short description of a value's shape: `number`, `array`, `{count:number,user:{name:string}}`. */
export function shapeOf(value: unknown, depth = 2): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value !== 'object') return typeof value;
  if (value instanceof Map) return 'map';
  if (value instanceof Set) return 'set';
  if (value instanceof Date) return 'date';
  if (depth === 0) return 'object';
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${k}:${shapeOf((value as Record<string, unknown>)[k], depth - 1)}`).join(',')}}`;
}

export function stateFits(current: unknown, fresh: unknown): boolean {
  return shapeOf(current) === shapeOf(fresh);
}
