import { describe, expect, it, vi } from 'vitest';
import { PageLists, type ListItems } from '../../../src/page/live-list.js';
import { LIST_FRAME_HTML_BYTES } from '../../../src/protocol/constants.js';

/** Items `{ id, text }` rendered as `<li id=…>text</li>`; list `capped` keeps 3. */
const items: ListItems = {
  render: (_list, item) => {
    const { id, text } = item as { id: string; text: string };
    return { html: `<li id="${id}">${text}</li>`, id };
  },
  limit: (list) => {
    if (list !== 'log' && list !== 'capped') throw new Error('unknown list');
    return list === 'capped' ? 3 : undefined;
  },
};
const it_ = (id: string, text = id.toUpperCase()) => ({ id, text });

describe('keyed lists on the page', () => {
  it('folds operations made before the first rendering into its content: in place by id, capped, prepends in order', () => {
    const queued = vi.fn();
    const lists = new PageLists(items, queued);
    lists.get('log').append(it_('a'), it_('b'));
    lists.get('log').prepend(it_('y'), it_('z'));
    lists.get('log').append(it_('a', 'A2'));
    lists.get('log').remove('b', 'nope');
    lists.get('capped').append(it_('1'), it_('2'), it_('3'), it_('4'));
    lists.get('capped').prepend(it_('0'));
    const first = lists.takeInitial();
    expect(first.get('log')).toBe('<li id="y">Y</li><li id="z">Z</li><li id="a">A2</li>');
    expect(first.get('capped')).toBe('<li id="0">0</li><li id="2">2</li><li id="3">3</li>');
    expect(queued).not.toHaveBeenCalled();
    expect(lists.pending).toBe(false);
  });

  it('after the first rendering, sends the operations of a task as one frame per run of one list, with its limit', () => {
    const queued = vi.fn();
    const lists = new PageLists(items, queued);
    lists.takeInitial();
    lists.get('log').append(it_('a'));
    lists.get('log').remove('a');
    lists.get('capped').prepend(it_('p'), it_('q'));
    lists.get('log').reset([it_('r')]);
    expect(queued).toHaveBeenCalled();
    expect(lists.take()).toEqual([
      { n: 'log', o: [['a', '<li id="a">A</li>'], ['d', 'a']] },
      { n: 'capped', o: [['p', '<li id="q">Q</li>'], ['p', '<li id="p">P</li>']], m: 3 },
      { n: 'log', o: [['x'], ['a', '<li id="r">R</li>']] },
    ]);
    expect(lists.pending).toBe(false);
    expect(lists.take()).toEqual([]);
  });

  it('splits a long run of operations so no frame carries much more than LIST_FRAME_HTML_BYTES of markup', () => {
    const lists = new PageLists(items, () => {}, true);
    const text = 'x'.repeat(1000);
    lists.get('log').append(...Array.from({ length: 100 }, (_, i) => it_(`i${i}`, text)));
    const frames = lists.take();
    expect(frames.length).toBeGreaterThan(1);
    for (const f of frames) expect(f.o.reduce((n, op) => n + (op[1]?.length ?? 0), 0)).toBeLessThanOrEqual(LIST_FRAME_HTML_BYTES);
    expect(frames.flatMap((f) => f.o).length).toBe(100);
  });

  it('a list the page did not declare fails at page.list(), before anything is queued', () => {
    const lists = new PageLists(items, () => {});
    expect(() => lists.get('other')).toThrow('unknown list');
  });
});
