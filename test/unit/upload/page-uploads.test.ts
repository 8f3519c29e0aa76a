/**
 * Uploads through a real page and endpoint: the `pb:upload` request, `up` frames, the form's event
 * with its files, and what becomes of the temp files and the quota.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { toEventHandler, type EventContext } from '../../../src/page/define-page.js';
import { UploadDisk } from '../../../src/upload/disk.js';
import type { ReceivedFile } from '../../../src/upload/received-file.js';
import { STREAM_CHUNK_BYTES, UPLOAD_DATA_KEY, UPLOAD_EVENT } from '../../../src/protocol/constants.js';
import { connect, endpointOf, makePage } from '../../helpers/fake-connection.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Seen { fields: unknown; files: Array<{ field: string; name: string; type: string; size: number; path: string; sha: string }> }

function setup(opts: { quota?: number; idleMs?: number; slow?: boolean } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'pb-upload-test-'));
  dirs.push(dir);
  const disk = new UploadDisk({ dir, maxBytes: opts.quota ?? 1 << 30 });
  const seen: Seen[] = [];
  let keep: string | undefined;
  const handler = async (data: unknown, _page: unknown, event: EventContext) => {
    const files = await Promise.all(event.files.map(async (f: ReceivedFile) => ({
      field: f.field, name: f.name, type: f.type, size: f.size, path: f.path,
      sha: createHash('sha256').update(await f.bytes()).digest('hex'),
    })));
    if (keep && event.files[0]) await event.files[0].moveTo(keep);
    seen.push({ fields: data, files });
    return files.length;
  };
  const page = makePage({
    handlers: {
      save: toEventHandler('save', { upload: { maxFileBytes: 1 << 20, maxFiles: 2, accept: ['image/*', '.txt'] }, handler }),
      plain: () => 'no files here',
    },
    uploads: { disk, idleMs: opts.idleMs ?? 30_000, defaults: { maxUploadBytes: 10, maxUploadFiles: 1 } },
  });
  const conn = connect(page);
  const endpoint = endpointOf(page);
  let s = 0;
  const take = (frame: Record<string, unknown>) => endpoint.take(conn, { ...frame, s: ++s } as never, true);
  /** Sends an event and waits for its reply. */
  const call = async (n: string, d: unknown) => {
    take({ t: 'ev', n, d });
    const at = s;
    await vi.waitFor(() => expect(conn.of('re').find((r) => r.re === at)).toBeDefined());
    return conn.of('re').find((r) => r.re === at);
  };
  /** Sends an upload's bytes as a pausing transport does: waiting whenever the endpoint pushes back. */
  const send = async (u: number, bytes: Buffer) => {
    for (let i = 0; i < bytes.length; i += STREAM_CHUNK_BYTES) {
      expect(take({ t: 'up', u, b: bytes.subarray(i, i + STREAM_CHUNK_BYTES).toString('base64') }).ok).toBe(true);
      await endpoint.pressure();
    }
  };
  const files = () => readdirSync(dir).flatMap((d) => readdirSync(path.join(dir, d)));
  return { page, conn, endpoint, disk, seen, call, send, take, files, setKeep: (p: string) => (keep = p), dir };
}

const claim = (name: string, size: number, type = 'image/png', field = 'pic') => ({ field, name, size, type });
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('live-form uploads', () => {
  it('gives the handler exactly the bytes sent, with the form fields as data, and deletes the temp files once it is done', async () => {
    const t = setup();
    const a = randomBytes(300_000);
    const b = Buffer.from('hello, world\n');
    const begun = await t.call(UPLOAD_EVENT, { event: 'save', files: [claim('../../a.png', a.length), claim('C:\\x\\notes.txt', b.length, '', 'doc')] });
    expect(begun).toMatchObject({ ok: true, d: { u: expect.any(Number) } });
    expect(t.disk.reserved).toBe(a.length + b.length);
    await t.send(begun.d.u, Buffer.concat([a, b]));
    const done = await t.call('save', { title: 'Trip', [UPLOAD_DATA_KEY]: begun.d.u });
    expect(done).toMatchObject({ ok: true, d: 2 });
    const [{ fields, files }] = t.seen;
    expect(fields).toEqual({ title: 'Trip' });
    expect(files.map(({ path: _p, ...f }) => f)).toEqual([
      { field: 'pic', name: 'a.png', type: 'image/png', size: a.length, sha: sha(a) },
      { field: 'doc', name: 'notes.txt', type: '', size: b.length, sha: sha(b) },
    ]);
    // The temp files were in the page's private folder, named by pagebound, and are gone now.
    for (const f of files) expect(path.basename(f.path)).toMatch(/^[0-9a-f-]{36}$/);
    await vi.waitFor(() => expect(t.files()).toEqual([]));
    expect(t.disk.reserved).toBe(0);
  });

  it('keeps a file the handler moved, and still frees the quota', async () => {
    const t = setup();
    const dest = path.join(t.dir, 'kept.png');
    t.setKeep(dest);
    const bytes = randomBytes(1000);
    const { d } = await t.call(UPLOAD_EVENT, { event: 'save', files: [claim('a.png', bytes.length)] });
    await t.send(d.u, bytes);
    await t.call('save', { [UPLOAD_DATA_KEY]: d.u });
    expect(sha(await import('node:fs/promises').then((fs) => fs.readFile(dest)))).toBe(sha(bytes));
    await vi.waitFor(() => expect(t.disk.reserved).toBe(0));
  });

  it('refuses what breaks the event\'s limits before a byte is sent, with typed errors', async () => {
    const t = setup({ quota: 2000 });
    const refused = async (d: unknown) => (await t.call(UPLOAD_EVENT, d)).e;
    expect(await refused({ event: 'save', files: [claim('a.png', (1 << 20) + 1)] })).toMatchObject({ code: 'PB_ERR_UPLOAD_TOO_LARGE' });
    expect(await refused({ event: 'save', files: [claim('a.png', 1), claim('b.png', 1), claim('c.png', 1)] })).toMatchObject({ code: 'PB_ERR_UPLOAD_TOO_MANY' });
    const type = await refused({ event: 'save', files: [claim('<img onerror=x>.exe', 1, 'application/x-msdownload')] });
    expect(type).toMatchObject({ code: 'PB_ERR_UPLOAD_TYPE' });
    expect(type.message).not.toMatch(/onerror|msdownload/);
    expect(await refused({ event: 'plain', files: [claim('a.png', 1)] })).toMatchObject({ code: 'PB_ERR_UPLOAD_NOT_ACCEPTED' });
    expect(await refused({ event: 'nope', files: [claim('a.png', 1)] })).toMatchObject({ code: 'PB_ERR_UPLOAD_NOT_ACCEPTED' });
    expect(await refused({ files: 'x' })).toMatchObject({ code: 'PB_ERR_UPLOAD_INVALID' });
    // The disk quota: 2000 bytes for the process.
    expect(await refused({ event: 'save', files: [claim('a.png', 1500), claim('b.png', 600)] })).toMatchObject({ code: 'PB_ERR_UPLOAD_QUOTA' });
    expect(t.disk.reserved).toBe(0);
    expect(t.seen).toEqual([]);
  });

  it('answers the form event PB_ERR_UPLOAD_INCOMPLETE for bytes missing, bytes past the declared size, or an upload it does not own', async () => {
    const t = setup();
    const short = await t.call(UPLOAD_EVENT, { event: 'save', files: [claim('a.png', 100)] });
    await t.send(short.d.u, randomBytes(60));
    expect((await t.call('save', { [UPLOAD_DATA_KEY]: short.d.u })).e).toMatchObject({ code: 'PB_ERR_UPLOAD_INCOMPLETE' });
    const long = await t.call(UPLOAD_EVENT, { event: 'save', files: [claim('a.png', 100)] });
    await t.send(long.d.u, randomBytes(101));
    expect((await t.call('save', { [UPLOAD_DATA_KEY]: long.d.u })).e).toMatchObject({ code: 'PB_ERR_UPLOAD_INCOMPLETE' });
    expect((await t.call('save', { [UPLOAD_DATA_KEY]: 999 })).e).toMatchObject({ code: 'PB_ERR_UPLOAD_INCOMPLETE' });
    const other = await t.call(UPLOAD_EVENT, { event: 'save', files: [claim('a.png', 1)] });
    await t.send(other.d.u, Buffer.from('x'));
    expect((await t.call('plain', { [UPLOAD_DATA_KEY]: other.d.u })).e).toMatchObject({ code: 'PB_ERR_UPLOAD_INCOMPLETE' });
    expect(t.seen).toEqual([]);
  });

  it('a newer upload for the same event replaces one never claimed, and a closing page deletes what it holds', async () => {
    const t = setup();
    const first = await t.call(UPLOAD_EVENT, { event: 'save', files: [claim('a.png', 50_000)] });
    await t.send(first.d.u, randomBytes(20_000));
    await vi.waitFor(() => expect(t.files()).toHaveLength(1));
    const second = await t.call(UPLOAD_EVENT, { event: 'save', files: [claim('a.png', 10)] });
    expect(second.ok).toBe(true);
    await vi.waitFor(() => expect(t.disk.reserved).toBe(10));
    expect((await t.call('save', { [UPLOAD_DATA_KEY]: first.d.u })).e).toMatchObject({ code: 'PB_ERR_UPLOAD_INCOMPLETE' });
    await t.send(second.d.u, randomBytes(5));
    await vi.waitFor(() => expect(t.files()).toHaveLength(1));
    await t.page.close();
    expect(t.files()).toEqual([]);
    expect(t.disk.reserved).toBe(0);
  });

  it('a page that closes right after an upload began leaves no file behind (its file may not even be open yet)', async () => {
    for (let i = 0; i < 5; i++) {
      const t = setup();
      await t.call(UPLOAD_EVENT, { event: 'save', files: [claim('a.png', 100), claim('b.png', 0)] });
      await t.page.close();
      expect(t.files()).toEqual([]);
      expect(t.disk.reserved).toBe(0);
    }
  });

  it('fails an upload that stalls while its page is connected (PB_ERR_UPLOAD_TIMEOUT), freeing its disk', async () => {
    const t = setup({ idleMs: 60 });
    const begun = await t.call(UPLOAD_EVENT, { event: 'save', files: [claim('a.png', 100)] });
    await t.send(begun.d.u, randomBytes(10));
    await vi.waitFor(() => expect(t.disk.reserved).toBe(0));
    expect(t.files()).toEqual([]);
    expect((await t.call('save', { [UPLOAD_DATA_KEY]: begun.d.u })).e).toMatchObject({ code: 'PB_ERR_UPLOAD_TIMEOUT' });
  });

  it('holds upload bytes waiting for the disk to maxStreamBytes: the endpoint pushes back instead of buffering the file', async () => {
    const t = setup();
    const size = 1 << 20;
    const begun = await t.call(UPLOAD_EVENT, { event: 'save', files: [claim('a.png', size)] });
    const chunk = randomBytes(STREAM_CHUNK_BYTES).toString('base64');
    // Frames that arrive in one turn: nothing reaches the disk meanwhile.
    let taken = 0;
    for (; taken < 64; taken++) {
      if (!t.take({ t: 'up', u: begun.d.u, b: chunk }).ok) break;
    }
    // 2 × maxStreamBytes (64 KiB) over a socket that can pause: 8 chunks of 16 KiB, then a refusal.
    expect(taken).toBe(8);
    expect(t.page.streamBacklog).toBe(8 * STREAM_CHUNK_BYTES);
    const wait = t.endpoint.streamPressure();
    expect(wait).toBeInstanceOf(Promise);
    await wait;
    await vi.waitFor(() => expect(t.page.streamBacklog).toBe(0));
    expect(t.endpoint.streamPressure()).toBeUndefined();
  });

  it('acks upload frames at once after a quarter of the stream window, not after the ack delay', async () => {
    const t = setup();
    const begun = await t.call(UPLOAD_EVENT, { event: 'save', files: [claim('a.png', 4 * STREAM_CHUNK_BYTES)] });
    const before = t.conn.of('ack').length;
    const b = randomBytes(STREAM_CHUNK_BYTES).toString('base64');
    const frame = (s: number) => ({ t: 'up', s, u: begun.d.u, b });
    const wire = JSON.stringify(frame(99)).length;
    let s = t.endpoint.inLast;
    const acksAfter: number[] = [];
    for (let i = 0; i < 4; i++) {
      t.endpoint.take(t.conn, frame(++s) as never, true, wire);
      acksAfter.push(t.conn.of('ack').length - before);
    }
    // Each frame is ~21.9 KB on the wire: the third passes 64 KiB and is acked in the same turn.
    expect(acksAfter).toEqual([0, 0, 1, 1]);
    expect(t.conn.of('ack').at(-1).a).toBe(s - 1);
  });

  it('takes no uploads on a durable page', async () => {
    const t = setup();
    t.page.durable = { taskDone() {}, handsOff: () => false, closed: async () => {} };
    expect((await t.call(UPLOAD_EVENT, { event: 'save', files: [claim('a.png', 1)] })).e).toMatchObject({ code: 'PB_ERR_UPLOAD_NOT_ACCEPTED' });
    expect(existsSync(t.dir) && t.files()).toEqual([]);
  });
});
