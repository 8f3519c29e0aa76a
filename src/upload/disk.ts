/**
 * Where this process keeps uploads while they arrive: one private folder (mode 0700, made on first
 * use under `uploadDir`, removed when the app closes) and a quota, `maxUploadDiskBytes`, on the
 * bytes all pages may have there at once, and a share of it, `maxUploadDiskBytesPerSession`, that
 * one browser session's pages may hold, so one session's slow uploads cannot deny everyone else.
 * An upload reserves its declared size before its first byte is sent, so a full disk is a typed
 * refusal up front, never a write failing halfway. The folder's name carries the pid, so a later
 * process can tell a crashed one's leftovers (./stale.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';

export interface UploadDiskOptions {
  /** The folder the private one is made in. */
  dir: string;
  /** Most bytes reserved at once. */
  maxBytes: number;
  /** Most bytes one session's pages may reserve at once. Default: maxBytes. */
  maxBytesPerSession?: number;
}

/** The private folder's name: the prefix, this process's pid, `-`, and mkdtemp's six characters. */
export const FOLDER_PREFIX = 'pagebound-uploads-';

export class UploadDisk {
  readonly #opts: UploadDiskOptions;
  #reserved = 0;
  readonly #bySession = new Map<string, number>();
  #folder: Promise<string> | undefined;
  #closed = false;

  constructor(opts: UploadDiskOptions) {
    this.#opts = opts;
  }

  /** Bytes reserved now. */
  get reserved(): number {
    return this.#reserved;
  }

  /** Bytes `session`'s pages have reserved now. */
  reservedBy(session: string): number {
    return this.#bySession.get(session) ?? 0;
  }

  /**
   * Takes `bytes` of the quota for `session`: 'ok', or (nothing taken) 'process' when the
   * process's quota has no room, 'session' when that session's share has none.
   */
  reserve(bytes: number, session: string): 'ok' | 'process' | 'session' {
    if (this.#closed || this.#reserved + bytes > this.#opts.maxBytes) return 'process';
    const held = this.reservedBy(session);
    if (held + bytes > (this.#opts.maxBytesPerSession ?? this.#opts.maxBytes)) return 'session';
    this.#reserved += bytes;
    this.#bySession.set(session, held + bytes);
    return 'ok';
  }

  release(bytes: number, session: string): void {
    this.#reserved = Math.max(0, this.#reserved - bytes);
    const left = this.reservedBy(session) - bytes;
    // Sessions that hold nothing leave no entry: the map stays as small as the uploads in flight.
    if (left > 0) this.#bySession.set(session, left);
    else this.#bySession.delete(session);
  }

  /**
   * A fresh path in the private folder. Its name is random, never the client's file name, so no
   * name can reach another folder or another upload's file.
   */
  async newPath(): Promise<string> {
    this.#folder ??= mkdtemp(path.join(this.#opts.dir, `${FOLDER_PREFIX}${process.pid}-`));
    return path.join(await this.#folder, randomUUID());
  }

  /** Removes the private folder and whatever is still in it. */
  async close(): Promise<void> {
    this.#closed = true;
    const folder = this.#folder;
    this.#folder = undefined;
    const dir = await folder?.catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
