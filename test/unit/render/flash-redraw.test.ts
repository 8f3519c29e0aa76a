import { describe, expect, it, vi } from 'vitest';
import os from 'node:os';
import { Templates } from '../../../src/render/templates.js';
import { TemplateRedraw } from '../../../src/render/redraw.js';
import { connect, endpointOf, event, makePage } from '../../helpers/fake-connection.js';

// What pages/_layout.eta does: the message in a region of its own, escaped.
const templates = new Templates(os.tmpdir(), false);
const choice = {
  template: { inline: '<body><div data-pb-region="pb-flash"><% if (it.flash) { %><p><%= it.flash %></p><% } %></div><p data-pb-region="n"><%= it.n %></p></body>' },
  layout: undefined,
};
const flashOf = (frame: { r: Array<[string, string]> }) => frame.r.find(([name]) => name === 'pb-flash')?.[1];

function flashingPage(cookieFlash?: string) {
  const page = makePage();
  page.state = { n: 0 };
  const data = { flash: cookieFlash, n: 0 };
  page.redrawer = new TemplateRedraw(templates, choice, data, templates.render(choice, data), page.state);
  page.on('save', () => { page.flash('Saved <b>1</b> & done'); });
  page.on('inc', () => { page.state.n++; });
  page.on('nothing', () => 1);
  page.on('saveThenFail', () => { page.flash('Half done'); throw new Error('bad'); });
  return page;
}

describe('page.flash(): a message shown once by the redraw', () => {
  it('renders with its task\'s redraw (escaped) though the state did not change, stays while nothing redraws, and is gone with the next redraw', async () => {
    const page = flashingPage();
    const conn = connect(page);
    event(page, 1, 'save', null);
    event(page, 2, 'nothing', null);
    event(page, 3, 'inc', null);
    await vi.waitFor(() => expect(conn.of('re')).toHaveLength(3));
    const doms = conn.of('dom');
    expect(doms).toHaveLength(2);
    expect(flashOf(doms[0])).toBe('<div data-pb-region="pb-flash"><p>Saved &lt;b&gt;1&lt;/b&gt; &amp; done</p></div>');
    // The task with no change sent nothing, so the message was still on screen; the next redraw drops it.
    expect(flashOf(doms[1])).toBe('<div data-pb-region="pb-flash"></div>');
    expect(doms[1].r).toContainEqual(['n', '<p data-pb-region="n">1</p>']);
  });

  it('a message a redirect left in the cookie (it.flash of the first render) is gone with the first redraw', async () => {
    const page = flashingPage('From the cookie');
    const conn = connect(page);
    event(page, 1, 'inc', null);
    await vi.waitFor(() => expect(conn.of('dom')).toHaveLength(1));
    expect(flashOf(conn.of('dom')[0])).toBe('<div data-pb-region="pb-flash"></div>');
  });

  it('a handler that fails after flashing still shows the message with the redraw of its task', async () => {
    const page = flashingPage();
    const conn = connect(page);
    event(page, 1, 'saveThenFail', null);
    await vi.waitFor(() => expect(conn.of('re')).toHaveLength(1));
    expect(conn.of('re')[0].ok).toBe(false);
    expect(flashOf(conn.of('dom')[0])).toContain('Half done');
  });

  it('set while no client is connected, it waits for the next connection\'s redraw', async () => {
    const page = flashingPage();
    const conn = connect(page);
    endpointOf(page).detach(conn);
    page.takeEvent(1, 'save', null);
    await vi.waitFor(() => expect(page.mailboxSize).toBe(0));
    await new Promise((r) => setTimeout(r, 10));
    expect(page.lifecycle).toBe('disconnected');
    const again = connect(page, undefined, conn.frames.filter((f) => f.s).at(-1)?.s ?? 0);
    await vi.waitFor(() => expect(again.of('dom')).toHaveLength(1));
    expect(flashOf(again.of('dom')[0])).toContain('Saved');
  });

  it('refuses an over-long message with PB_ERR_FLASH_TOO_LARGE, and a closed page with PB_ERR_PAGE_CLOSED', async () => {
    expect.assertions(2);
    const page = flashingPage();
    expect(() => page.flash('x'.repeat(1025))).toThrow(expect.objectContaining({ code: 'PB_ERR_FLASH_TOO_LARGE' }));
    await page.close();
    expect(() => page.flash('late')).toThrow(expect.objectContaining({ code: 'PB_ERR_PAGE_CLOSED' }));
  });
});
