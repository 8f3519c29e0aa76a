/**
 * Where this process keeps uploads while they arrive: one private folder (mode 0700, made on first
 * use under `uploadDir`, removed when the app closes) and a quota, `maxUploadDiskBytes`, on the
 * bytes all pages may have there at once. An upload reserves its declared size before its first
 * byte is sent, so a full disk is a typed refusal up front, never a write failing halfway.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';

export interface UploadDiskOptions {
  /** The folder the private one is made in. */
  dir: string;
  /** Most bytes reserved at once. */
  maxBytes: number;
}

export class UploadDisk {
  readonly #opts: UploadDiskOptions;
  #reserved = 0;
  #folder: Promise<string> | undefined;
  #closed = false;

  constructor(opts: UploadDiskOptions) {
    this.#opts = opts;
  }

  /** Bytes reserved now. */
  get reserved(): number {
    return this.#reserved;
  }

  /** Takes `bytes` of the quota; false (nothing taken) when they do not fit. */
  reserve(bytes: number): boolean {
    if (this.#closed || this.#reserved + bytes > this.#opts.maxBytes) return false;
    this.#reserved += bytes;
    return true;
  }

  release(bytes: number): void {
    this.#reserved = Math.max(0, this.#reserved - bytes);
  }

  /**
   * A fresh path in the private folder. Its name is random, never the client's file name, so no
   * name can reach another folder or another upload's file.
   */
  async newPath(): Promise<string> {
    this.#folder ??= mkdtemp(path.join(this.#opts.dir, 'pagebound-uploads-'));
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
