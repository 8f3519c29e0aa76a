/**
 * A file that arrived with a live form's event, as its handler gets it (`event.files`): a temp
 * file the page owns. It is deleted when the handler is done (its promise settled) or when the
 * page closes, whichever comes first, unless the handler moved it away with `moveTo()`.
 */
import { createReadStream } from 'node:fs';
import { copyFile, readFile, rename, unlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';

/** A file from a live form (`<input type="file">` in a `data-on-submit` form), in a handler's `event.files`. */
export interface ReceivedFile {
  /** The file input's `name`. */
  readonly field: string;
  /** The name the browser gave, reduced to its last segment: for display only, never a path. */
  readonly name: string;
  /** The type the browser claimed (`image/png`): a client can forge it, so check the content before trusting it. */
  readonly type: string;
  /** Bytes: exactly as many as arrived, which is what the browser declared. */
  readonly size: number;
  /** Where the bytes are now: a temp file of the page's, or where `moveTo()` put them. */
  readonly path: string;
  /** Reads the file as a stream (the way for large files). */
  stream(): Readable;
  /** Reads the whole file into memory (at most `maxFileBytes`). */
  bytes(): Promise<Buffer>;
  /** Reads the whole file as UTF-8 text. */
  text(): Promise<string>;
  /**
   * Moves the file to `dest` (a path you chose, never one made from `name`); the page then no
   * longer deletes it. Works across file systems (copies, then removes the temp file).
   */
  moveTo(dest: string): Promise<void>;
}

export interface FileInfo {
  field: string;
  name: string;
  type: string;
  size: number;
}

export class TempFile implements ReceivedFile {
  readonly field: string;
  readonly name: string;
  readonly type: string;
  readonly size: number;
  #path: string;
  #moved = false;

  constructor(info: FileInfo, path: string) {
    this.field = info.field;
    this.name = info.name;
    this.type = info.type;
    this.size = info.size;
    this.#path = path;
  }

  get path(): string {
    return this.#path;
  }

  stream(): Readable {
    return createReadStream(this.#path);
  }

  bytes(): Promise<Buffer> {
    return readFile(this.#path);
  }

  text(): Promise<string> {
    return readFile(this.#path, 'utf8');
  }

  async moveTo(dest: string): Promise<void> {
    try {
      await rename(this.#path, dest);
    } catch (err) {
      // Another file system (the temp folder is often its own): rename cannot cross it.
      if ((err as { code?: string }).code !== 'EXDEV') throw err;
      await copyFile(this.#path, dest);
      await unlink(this.#path).catch(() => undefined);
    }
    this.#path = dest;
    this.#moved = true;
  }

  /** Removes the temp file, unless the handler moved it. */
  async remove(): Promise<void> {
    if (!this.#moved) await unlink(this.#path).catch(() => undefined);
  }
}
