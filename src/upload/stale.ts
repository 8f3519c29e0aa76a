/**
 * Leftovers of crashed processes: a process removes its upload folder when it closes, but one that
 * was killed (SIGKILL, OOM, power) leaves it, with whatever half-received files were in it. On
 * start, the folders in `uploadDir` named by ./disk.ts whose pid no longer runs are removed.
 * Only folders of that exact name, owned by this user, and never through a symlink: `uploadDir`
 * may be the shared OS temp folder, where anyone can make entries.
 */
import { lstat, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { FOLDER_PREFIX } from './disk.js';

/** `pagebound-uploads-<pid>-<mkdtemp's six characters>`. */
const FOLDER_RE = new RegExp(`^${FOLDER_PREFIX}([1-9][0-9]{0,9})-[A-Za-z0-9]{6}$`);

/** Whether a process with this pid runs (EPERM: it does, as another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the stale upload folders in `dir`; the names of those removed. Never throws. */
export async function removeStaleUploadFolders(dir: string, alive: (pid: number) => boolean = pidAlive): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const uid = process.getuid?.();
  const removed: string[] = [];
  for (const name of names) {
    const m = FOLDER_RE.exec(name);
    // Our own pid: another app in this process owns it (pids are not reused while we run).
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    const full = path.join(dir, name);
    const st = await lstat(full).catch(() => undefined);
    if (!st || !st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
    // rm lstat()s as it goes: a symlink inside is unlinked, never followed.
    await rm(full, { recursive: true, force: true }).then(() => removed.push(name), () => undefined);
  }
  return removed;
}
