/**
 * A page's uploads (docs/protocol.md §2.4): answers the runtime's `pb:upload` request after checking
 * it against the event's declared limits and the disk quota, writes the `up` frames that follow to
 * temp files, and hands the files to the form's event when it names the upload. The page owns the
 * files: they are deleted when that event's handler is done, when a newer upload for the same
 * event replaces one never claimed, or when the page closes.
 */
import type { FastifyBaseLogger } from 'fastify';
import { UPLOAD_DATA_KEY } from '../protocol/constants.js';
import { PB_ERR_UPLOAD_INCOMPLETE, PB_ERR_UPLOAD_NOT_ACCEPTED, PB_ERR_UPLOAD_QUOTA, PB_ERR_UPLOAD_SESSION_QUOTA } from '../errors.js';
import { UploadBatch } from './batch.js';
import type { UploadDisk } from './disk.js';
import { checkFiles, parseRequest, resolveLimits, safeName, type UploadDefaults, type UploadOptions } from './limits.js';
import { TempFile, type ReceivedFile } from './received-file.js';

/** What every page of an app shares for uploads. */
export interface UploadShared {
  disk: UploadDisk;
  /** A batch that receives nothing for this long while its page is connected fails (PB_ERR_UPLOAD_TIMEOUT). */
  idleMs: number;
  defaults: UploadDefaults;
}

/** The answer to `pb:upload`: the id the `up` frames and the form's event carry. */
export interface UploadGranted {
  u: number;
}

/** An event's files, taken from its data. */
export interface TakenFiles {
  /** The event's data without the upload's key. */
  data: unknown;
  files: readonly ReceivedFile[];
  /** The handler is done: delete what it did not move. Idempotent. */
  done: () => void;
}

/** Upload errors are the client's to see: the code and a message that never repeats its input. */
const shown = <E extends Error>(err: E): E => Object.defineProperty(err, 'expose', { value: true });

/** Whether an event's data names an upload. */
export const namesUpload = (data: unknown): data is Record<string, unknown> =>
  typeof data === 'object' && data !== null && !Array.isArray(data) && Object.hasOwn(data, UPLOAD_DATA_KEY);

export const notAccepted = (): Error => shown(new PB_ERR_UPLOAD_NOT_ACCEPTED());

export class PageUploads {
  readonly #shared: UploadShared;
  readonly #log: FastifyBaseLogger;
  readonly #connected: () => boolean;
  readonly #session: string;
  readonly #batches = new Map<number, UploadBatch>();
  /** Uploads an event took, until its handler is done: a page that closes first deletes them too. */
  readonly #claimed = new Set<UploadBatch>();
  #closed = false;

  /** `session`: the browser session owning the page, whose share of the disk quota its uploads use. */
  constructor(shared: UploadShared, log: FastifyBaseLogger, connected: () => boolean, session: string) {
    this.#shared = shared;
    this.#session = session;
    this.#log = log;
    this.#connected = connected;
  }

  /**
   * A `pb:upload` request, numbered `id` (its event's sequence number: unique in the page). `optionsOf`
   * gives the `upload` the named event declares, or undefined when it takes no files.
   */
  async begin(id: number, data: unknown, optionsOf: (event: string) => UploadOptions | undefined): Promise<UploadGranted | Error> {
    const request = parseRequest(data);
    if (request instanceof Error) return shown(request);
    const options = optionsOf(request.event);
    if (!options) return notAccepted();
    const refused = checkFiles(request.files, resolveLimits(options, this.#shared.defaults));
    if (refused) return shown(refused);
    // One upload per event waits for its form's event: a newer one replaces it (the runtime sends
    // one at a time per form), so a client cannot pile up unclaimed uploads.
    for (const old of this.#batches.values()) if (old.event === request.event) this.#drop(old);
    const total = request.files.reduce((sum, f) => sum + f.size, 0);
    const { disk } = this.#shared;
    const room = disk.reserve(total, this.#session);
    if (room === 'process') return shown(new PB_ERR_UPLOAD_QUOTA());
    if (room === 'session') return shown(new PB_ERR_UPLOAD_SESSION_QUOTA());
    let files: TempFile[];
    try {
      files = await Promise.all(request.files.map(async (f) =>
        new TempFile({ field: f.field, name: safeName(f.name), type: f.type, size: f.size }, await disk.newPath())));
    } catch (err) {
      disk.release(total, this.#session);
      throw err;
    }
    const batch = new UploadBatch({
      id, event: request.event, files, disk, reserved: total, session: this.#session, idleMs: this.#shared.idleMs, connected: this.#connected, log: this.#log,
    });
    if (this.#closed) {
      void batch.dispose();
      return notAccepted();
    }
    this.#batches.set(id, batch);
    return { u: id };
  }

  /** Bytes of upload `u`; an upload that failed, was claimed or never existed drops them. */
  write(u: number, bytes: Buffer): void {
    this.#batches.get(u)?.write(bytes);
  }

  /** Upload bytes waiting for the disk. */
  get backlog(): number {
    let sum = 0;
    for (const b of this.#batches.values()) sum += b.backlog;
    return sum;
  }

  /** Resolves when the disk took some of the backlog. */
  drained(): Promise<void> {
    const waiting = [...this.#batches.values()].filter((b) => b.backlog > 0);
    return waiting.length ? Promise.race(waiting.map((b) => b.drained())) : Promise.resolve();
  }

  /**
   * The files of the upload an event's `data` names, once every byte is on disk; an error when that
   * upload is unknown, for another event, or did not arrive whole (its files are gone then).
   */
  async take(event: string, data: Record<string, unknown>): Promise<TakenFiles | Error> {
    const { [UPLOAD_DATA_KEY]: id, ...rest } = data;
    const batch = typeof id === 'number' ? this.#batches.get(id) : undefined;
    if (!batch || batch.event !== event) return shown(new PB_ERR_UPLOAD_INCOMPLETE());
    this.#batches.delete(batch.id);
    const problem = await batch.settled();
    if (problem) {
      void batch.dispose();
      return shown(problem);
    }
    this.#claimed.add(batch);
    return {
      data: rest,
      files: batch.files,
      done: () => {
        if (this.#claimed.delete(batch)) void batch.dispose();
      },
    };
  }

  /** The page closed: every upload's files go. */
  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#batches.values(), ...this.#claimed];
    this.#batches.clear();
    this.#claimed.clear();
    await Promise.all(all.map((b) => b.dispose()));
  }

  #drop(batch: UploadBatch): void {
    this.#batches.delete(batch.id);
    void batch.dispose();
  }
}
