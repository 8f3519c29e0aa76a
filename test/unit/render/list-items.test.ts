import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Templates } from '../../../src/render/templates.js';
import { fillLists, TemplateListItems } from '../../../src/render/list-items.js';

let root: string;
let items: TemplateListItems;
beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pb-list-items-'));
  mkdirSync(path.join(root, 'chat'));
  writeFileSync(path.join(root, 'chat', 'message.eta'), '\n  <li id="msg-<%= it.id %>" class="m"><%= it.text %></li>\n');
  writeFileSync(path.join(root, 'chat', 'two.eta'), '<li id="a">a</li><li id="b">b</li>');
  writeFileSync(path.join(root, 'chat', 'bare.eta'), '<li><%= it.text %></li>');
  const lists = {
    messages: { item: 'message.eta', limit: 10 }, two: { item: 'two.eta' }, bare: { item: 'bare.eta' }, gone: { item: 'missing.eta' },
  };
  items = new TemplateListItems(new Templates(root, false), 'chat/[room].page.ts', lists);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('list items', () => {
  it('renders an item with its template (beside the page) and reads its id as the browser will', () => {
    expect(items.render('messages', { id: '7', text: '<b>hi</b>' })).toEqual({
      html: '<li id="msg-7" class="m">&lt;b&gt;hi&lt;/b&gt;</li>', id: 'msg-7',
    });
    expect(items.render('messages', { id: 'a"&\'b', text: '' }).id).toBe('msg-a"&\'b');
    expect(items.limit('messages')).toBe(10);
    expect(items.limit('two')).toBeUndefined();
  });

  it('refuses an item with no id, with more than one root, an undeclared list, and a missing template', () => {
    expect.assertions(4);
    for (const [list, code] of [['bare', 'PB_ERR_LIST_ITEM_ID'], ['two', 'PB_ERR_LIST_ITEM_ID'], ['toString', 'PB_ERR_LIST_UNKNOWN'], ['gone', 'PB_ERR_TEMPLATE_MISSING']]) {
      try {
        items.render(list!, { text: 'x' });
      } catch (err) {
        expect((err as { code: string }).code).toBe(code);
      }
    }
  });

  it('checks every item template for the build: a missing one and one that does not compile are named', () => {
    expect.assertions(2);
    writeFileSync(path.join(root, 'chat', 'broken.eta'), '<li id="x"><%= it.text </li>');
    for (const [lists, code] of [[{ gone: { item: 'missing.eta' } }, 'PB_ERR_TEMPLATE_MISSING'], [{ b: { item: 'broken.eta' } }, 'PB_ERR_TEMPLATE_SYNTAX']] as const) {
      try {
        new TemplateListItems(new Templates(root, false), 'chat/[room].page.ts', lists).check();
      } catch (err) {
        expect((err as { code: string }).code).toBe(code);
      }
    }
    new TemplateListItems(new Templates(root, false), 'chat/[room].page.ts', { m: { item: 'message.eta' } }).check();
  });

  it('puts each list\'s first items into its container, after what the template wrote there; other markup untouched', () => {
    const html = '<body><ul id="log" data-pb-list="messages"><li id="static">s</li></ul><ol data-pb-list="other"><ol></ol></ol><p>text data-pb-list="messages"</p></body>';
    const out = fillLists(html, new Map([['messages', '<li id="m1">1</li>'], ['other', '<li id="o">o</li>'], ['absent', '<li id="x">x</li>']]));
    expect(out).toBe('<body><ul id="log" data-pb-list="messages"><li id="static">s</li><li id="m1">1</li></ul><ol data-pb-list="other"><ol></ol><li id="o">o</li></ol><p>text data-pb-list="messages"</p></body>');
  });
});
