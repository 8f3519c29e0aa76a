import { describe, expect, it } from 'vitest';
import { shapeOf, stateFits } from '../../../src/dev/state-shape.js';

describe('stateFits: whether an open page keeps its state under an edited module', () => {
  it('fits when the keys and the kinds of value are the same, whatever the values', () => {
    expect(stateFits({ count: 7, user: { name: 'Ada' }, tags: ['a'] }, { count: 0, user: { name: '' }, tags: [] })).toBe(true);
    expect(stateFits(undefined, undefined)).toBe(true);
  });

  it('does not fit when a key is added, removed or changes kind', () => {
    expect(stateFits({ count: 1 }, { count: 0, label: '' })).toBe(false);
    expect(stateFits({ count: 1, label: '' }, { count: 0 })).toBe(false);
    expect(stateFits({ count: 1 }, { count: '0' })).toBe(false);
    expect(stateFits({ items: [] }, { items: {} })).toBe(false);
    expect(stateFits({ user: { name: 'a' } }, { user: { name: 'a', age: 1 } })).toBe(false);
    expect(stateFits({ count: 1 }, undefined)).toBe(false);
    expect(stateFits({ at: null }, { at: new Date() })).toBe(false);
  });

  it('describes shapes to two levels, in key order', () => {
    expect(shapeOf({ b: 1, a: { y: 's', x: { deep: 1 } } })).toBe('{a:{x:object,y:string},b:number}');
    expect(shapeOf(new Map())).toBe('map');
  });
});
