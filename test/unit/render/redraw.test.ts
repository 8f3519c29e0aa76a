import { describe, expect, it, vi } from 'vitest';
import os from 'node:os';
import { Templates } from '../../../src/render/templates.js';
import { TemplateRedraw, redrawData, titleOf } from '../../../src/render/redraw.js';
import { connect, endpointOf, event, makePage } from '../../helpers/fake-connection.js';

const templates = new Templates(os.tmpdir(), false);
const choice = { template: { inline: '<body><h1><%= it.title %></h1><ul data-pb-region="items"><% it.items.forEach((x, i) => { %><li data-pb-region="i<%= i %>"><%= x %></li><% }) %></ul><p><%= it.items.length %> items</p></body>' }, layout: undefined };

function redrawingPage() {
  const page = makePage();
  page.state = { items: ['a', 'b'] };
  const data = { title: 'List', items: page.state.items };
  page.redrawer = new TemplateRedraw(templates, choice, data, templates.render(choice, data));
  page.on('rename', (raw) => { const d = raw as { i: number; to: string }; page.state.items[d.i] = d.to; });
  page.on('add', (raw) => { const d = raw as { to: string }; page.state.items = [...page.state.items, d.to]; });
  page.on('nothing', () => 1);
  page.on('fail', () => { page.state.items = ['<b>x</b>']; throw new Error('bad'); });
  return page;
}

describe('server-driven redraws', () => {
  it('renders with the first render\'s data overlaid by the state', () => {
    expect(redrawData({ a: 1, b: 2 }, { b: 3 })).toEqual({ a: 1, b: 3 });
    expect(redrawData({ a: 1 }, 7)).toEqual({ a: 1 });
    expect(redrawData({ a: 1 }, new Map())).toEqual({ a: 1 });
  });

  it('pushes the changed regions after a task, before its reply; nothing when nothing changed', async () => {
    const page = redrawingPage();
    const conn = connect(page);
    event(page, 1, 'rename', { i: 1, to: 'B' });
    event(page, 2, 'nothing', null);
    event(page, 3, 'add', { to: 'c' });
    event(page, 4, 'fail', null);
    await vi.waitFor(() => expect(conn.of('re')).toHaveLength(4));
    const order = conn.frames.filter((f) => f.t === 'dom' || f.t === 're').map((f) => f.t === 're' ? `re${f.re}` : f.r.map(([n]: [string]) => n).join('+'));
    // An item added changes the markup around the regions too (the count): the body goes whole.
    expect(order).toEqual(['i1', 're1', 're2', '', 're3', '', 're4']);
    const [first, , failed] = conn.of('dom');
    expect(first.r).toEqual([['i1', '<li data-pb-region="i1">B</li>']]);
    // Escaped as in the first render: a redraw is the same template.
    expect(failed.r[0][1]).toContain('&lt;b&gt;x&lt;/b&gt;');
  });

  it('while disconnected, sends nothing and gives the next connection only the latest rendering', async () => {
    const page = redrawingPage();
    const conn = connect(page);
    endpointOf(page).detach(conn);
    // Straight into the mailbox: a timer or a published message, with no client connected.
    for (let s = 1; s <= 5; s++) page.takeEvent(s, 'rename', { i: 0, to: `v${s}` });
    page.render();
    await vi.waitFor(() => expect(page.mailboxSize).toBe(0));
    await new Promise((r) => setTimeout(r, 10));
    expect(page.lifecycle).toBe('disconnected');
    const again = connect(page, undefined, conn.frames.filter((f) => f.s).at(-1)?.s ?? 0);
    await vi.waitFor(() => expect(again.of('dom')).toHaveLength(1));
    // After the welcome and the replay of the replies the client missed.
    expect(again.frames.map((f) => f.t)).toEqual(['welcome', 're', 're', 're', 're', 're', 'dom']);
    expect(again.of('dom')[0].r).toEqual([['i0', '<li data-pb-region="i0">v5</li>']]);
  });

  it('page.render() redraws in the middle of a handler, and refuses on a closed page', async () => {
    const page = redrawingPage();
    const conn = connect(page);
    page.on('slow', async () => {
      page.state.items[0] = 'working';
      page.render();
      await new Promise((r) => setTimeout(r, 5));
      page.state.items[0] = 'done';
    });
    event(page, 1, 'slow', null);
    await vi.waitFor(() => expect(conn.of('re')).toHaveLength(1));
    expect(conn.of('dom').map((f) => f.r[0][1])).toEqual(['<li data-pb-region="i0">working</li>', '<li data-pb-region="i0">done</li>']);
    await page.close();
    expect(() => page.render()).toThrow(expect.objectContaining({ code: 'PB_ERR_PAGE_CLOSED' }));
  });

  it('finds the page\'s title in the head only', () => {
    expect(titleOf('<html><head><title>A &amp; B</title></head><body></body></html>')).toBe('A &amp; B');
    expect(titleOf('<html><head></head><body><svg><title>icon</title></svg></body></html>')).toBeUndefined();
    expect(titleOf('<p>no title</p>')).toBeUndefined();
  });

  it('sends the title when the rendered one changed, alone when the body did not; a restored page sends the body first and no title', () => {
    const layout = { template: { inline: '<html><head><title><%= it.title %></title></head><body><p data-pb-region="n"><%= it.n %></p></body></html>' }, layout: undefined };
    const render = (state: object) => templates.render(layout, state as Record<string, unknown>);
    const redraw = new TemplateRedraw(templates, layout, {}, render({ title: 'One', n: 1 }), { title: 'One', n: 1 });
    expect(redraw.next({ title: 'One', n: 2 })).toEqual({ regions: [['n', '<p data-pb-region="n">2</p>']] });
    expect(redraw.next({ title: 'Two & <3', n: 2 })).toEqual({ regions: [], title: 'Two &amp; &lt;3' });
    expect(redraw.next({ title: 'Two & <3', n: 2 }, true)).toEqual({ regions: [] });

    const restored = new TemplateRedraw(templates, layout, {}, undefined);
    expect(restored.next({ title: 'Else', n: 5 })).toEqual({ regions: [['', '<body><p data-pb-region="n">5</p></body>']] });
    expect(restored.next({ title: 'Later', n: 5 })).toEqual({ regions: [], title: 'Later' });
  });

  it('list operations leave after the task\'s redraw; while disconnected they bring that redraw along instead of waiting', async () => {
    const page = redrawingPage();
    page.listItems = {
      render: (_l, item) => ({ html: `<li id="${String(item)}">${String(item)}</li>`, id: String(item) }),
      limit: () => undefined,
    };
    page.takeInitialLists();
    page.on('both', (raw) => { page.state.items = [...page.state.items, String(raw)]; page.list('log').append(String(raw)); });
    const conn = connect(page);
    event(page, 1, 'both', 'x');
    await vi.waitFor(() => expect(conn.of('re')).toHaveLength(1));
    expect(conn.frames.filter((f) => f.s).map((f) => f.t)).toEqual(['dom', 'ls', 're']);

    endpointOf(page).detach(conn);
    page.takeEvent(2, 'both', 'y');
    page.takeEvent(3, 'rename', { i: 0, to: 'away' });
    await vi.waitFor(() => expect(page.mailboxSize).toBe(0));
    await new Promise((r) => setTimeout(r, 10));
    const again = connect(page, undefined, conn.frames.filter((f) => f.s).at(-1)?.s ?? 0);
    await vi.waitFor(() => expect(again.of('dom')).toHaveLength(2));
    // The list's task redrew at once (its item may need what that redraw brings); the next change waited for the connection.
    expect(again.frames.filter((f) => f.s).map((f) => f.t)).toEqual(['dom', 'ls', 're', 're', 'dom']);
    expect(again.of('ls')[0]).toMatchObject({ n: 'log', o: [['a', '<li id="y">y</li>']] });
  });
});
