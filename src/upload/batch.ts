/**
 * One upload: the files of one submit, whose bytes come in `up` frames one file after the other
 * (docs/protocol.md §2.4). Bytes go straight to temp files through write streams; what waits for
 * the disk is the backlog the endpoint reads, so it stops taking frames (and the client's window
 * stops it sending) while the disk is behind: memory holds at most about `maxStreamBytes` per page.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import { PB_ERR_UPLOAD_FAILED, PB_ERR_UPLOAD_INCOMPLETE, PB_ERR_UPLOAD_TIMEOUT } from '../errors.js';
import type { UploadDisk } from './disk.js';
import { TempFile } from './received-file.js';

export interface BatchOptions {
  id: number;
  event: string;
  files: TempFile[];
  disk: UploadDisk;
  /** Bytes of the quota this batch holds (its declared total). */
  reserved: number;
  /** The session whose share of the quota they count against. */
  session: string;
  /** A batch that gets no bytes for this long while its page is connected fails. */
  idleMs: number;
  connected: () => boolean;
  log: FastifyBaseLogger;
}

export class UploadBatch {
  readonly id: number;
  readonly event: string;
  readonly files: readonly TempFile[];
  readonly total: number;
  readonly #opts: BatchOptions;
  #received = 0;
  /** The file being written and how far. */
  #index = 0;
  #offset = 0;
  #out: WriteStream | undefined;
  /** Bytes handed to write streams and not yet written. */
  #pending = 0;
  #closing: Array<Promise<unknown>> = [];
  #waiters: Array<() => void> = [];
  #error: Error | undefined;
  #idle: ReturnType<typeof setTimeout> | undefined;
  #disposed: Promise<void> | undefined;

  constructor(opts: BatchOptions) {
    this.#opts = opts;
    this.id = opts.id;
    this.event = opts.event;
    this.files = opts.files;
    this.total = opts.files.reduce((sum, f) => sum + f.size, 0);
    this.#fill(Buffer.alloc(0));
    if (this.total > 0) this.#armIdle();
  }

  /** Bytes waiting for the disk. */
  get backlog(): number {
    return this.#error || this.#disposed ? 0 : this.#pending;
  }

  get failed(): boolean {
    return this.#error !== undefined;
  }

  /** The next `up` frame's bytes. After a failure they are dropped: the client is told with its event. */
  write(bytes: Buffer): void {
    if (this.#error || this.#disposed) return;
    if (this.#received + bytes.length > this.total) return this.fail(new PB_ERR_UPLOAD_INCOMPLETE());
    this.#received += bytes.length;
    this.#fill(bytes);
    if (this.#received === this.total) clearTimeout(this.#idle);
    else this.#armIdle();
  }

  /** Resolves when the disk took some of the backlog (or the batch ended). */
  drained(): Promise<void> {
    return this.backlog === 0 ? Promise.resolve() : new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Once every byte is on disk: undefined, or why the files are not whole. */
  async settled(): Promise<Error | undefined> {
    await Promise.allSettled(this.#closing);
    return this.#error ?? (this.#received < this.total ? new PB_ERR_UPLOAD_INCOMPLETE() : undefined);
  }

  fail(err: Error): void {
    if (this.#error) return;
    this.#error = err;
    this.#wake();
    void this.dispose();
  }

  /** Deletes the files the handler did not move and gives the quota back; once. */
  dispose(): Promise<void> {
    this.#disposed ??= (async () => {
      clearTimeout(this.#idle);
      const out = this.#out;
      this.#out = undefined;
      // Its file may not be open yet: removing it before the stream closes could leave it behind.
      if (out && !out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()).destroy());
      await Promise.allSettled(this.#closing);
      await Promise.all(this.files.map((f) => f.remove()));
      this.#opts.disk.release(this.#opts.reserved, this.#opts.session);
      this.#wake();
    })();
    return this.#disposed;
  }

  /** Writes `bytes` across the files in order; a file that is full is closed, an empty one made. */
  #fill(bytes: Buffer): void {
    let at = 0;
    while (this.#index < this.files.length) {
      const file = this.files[this.#index]!;
      const out = (this.#out ??= this.#open(file));
      const take = Math.min(bytes.length - at, file.size - this.#offset);
      if (take > 0) {
        this.#pending += take;
        out.write(bytes.subarray(at, at + take), () => {
          this.#pending -= take;
          this.#wake();
        });
        at += take;
        this.#offset += take;
      }
      if (this.#offset < file.size) return;
      out.end();
      this.#closing.push(once(out, 'close'));
      this.#out = undefined;
      this.#index++;
      this.#offset = 0;
    }
  }

  #open(file: TempFile): WriteStream {
    // `wx`: the random name is new; an existing file there would be someone else's.
    const out = createWriteStream(file.path, { flags: 'wx', mode: 0o600 });
    out.on('error', (err) => {
      this.#opts.log.error({ err }, 'upload could not be written');
      this.fail(new PB_ERR_UPLOAD_FAILED());
    });
    return out;
  }

  #armIdle(): void {
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => {
      // A page waiting for its client to come back is bounded by retainMs; the clock runs while connected.
      if (this.#opts.connected()) this.fail(new PB_ERR_UPLOAD_TIMEOUT());
      else this.#armIdle();
    }, this.#opts.idleMs);
    this.#idle.unref?.();
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
}
