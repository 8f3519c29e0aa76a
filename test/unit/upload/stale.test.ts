import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pidAlive, removeStaleUploadFolders } from '../../../src/upload/stale.js';
import { UploadDisk } from '../../../src/upload/disk.js';
import { createServer } from '../../../src/server.js';

const dirs: string[] = [];
const children: Array<ReturnType<typeof spawn>> = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const base = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'pb-stale-test-'));
  dirs.push(d);
  return d;
};

/** A pid that ran and has exited: a child we wait for. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid!;
  await new Promise((resolve) => child.once('exit', resolve));
  return pid;
}

function runningPid(): number {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  children.push(child);
  return child.pid!;
}

describe('stale upload folders', () => {
  it('removes the folders of processes that no longer run, and keeps those of running ones', async () => {
    const dir = base();
    const dead = await deadPid();
    expect(pidAlive(dead)).toBe(false);
    const live = runningPid();
    const stale = path.join(dir, `pagebound-uploads-${dead}-aB3dE9`);
    const kept = path.join(dir, `pagebound-uploads-${live}-Xy12Zq`);
    for (const d of [stale, kept]) {
      mkdirSync(d);
      writeFileSync(path.join(d, 'half-received'), 'x'.repeat(100));
    }
    expect(await removeStaleUploadFolders(dir)).toEqual([path.basename(stale)]);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(path.join(kept, 'half-received'))).toBe(true);
  });

  it('touches only its own naming pattern, never a symlink nor what one points at', async () => {
    const dir = base();
    const dead = await deadPid();
    const target = base();
    writeFileSync(path.join(target, 'precious'), 'keep me');
    const others = [`pagebound-uploads-${dead}`, `pagebound-uploads-${dead}-abc`, `other-${dead}-abcdef`, `pagebound-uploads-x${dead}-abcdef`];
    for (const name of others) mkdirSync(path.join(dir, name));
    // A symlink with the pattern's name, pointing at someone else's folder.
    const link = path.join(dir, `pagebound-uploads-${dead}-LiNk00`);
    symlinkSync(target, link);
    // A real stale folder with a symlink inside: the link goes, its target stays.
    const stale = path.join(dir, `pagebound-uploads-${dead}-inner0`);
    mkdirSync(stale);
    symlinkSync(target, path.join(stale, 'escape'));
    expect(await removeStaleUploadFolders(dir)).toEqual([path.basename(stale)]);
    for (const name of others) expect(existsSync(path.join(dir, name))).toBe(true);
    expect(existsSync(link)).toBe(true);
    expect(existsSync(path.join(target, 'precious'))).toBe(true);
  });

  it('keeps folders of this very process (another app in it may be using one)', async () => {
    const dir = base();
    const disk = new UploadDisk({ dir, maxBytes: 100 });
    const file = await disk.newPath();
    writeFileSync(file, 'x');
    expect(await removeStaleUploadFolders(dir)).toEqual([]);
    expect(existsSync(file)).toBe(true);
    await disk.close();
  });

  it('an app clears a crashed process\'s folder from uploadDir when it starts', async () => {
    const dir = base();
    const pages = base();
    const dead = await deadPid();
    const live = runningPid();
    const stale = path.join(dir, `pagebound-uploads-${dead}-crash1`);
    const kept = path.join(dir, `pagebound-uploads-${live}-alive1`);
    mkdirSync(stale);
    mkdirSync(kept);
    const app = await createServer({ pagesDir: pages, uploadDir: dir, logger: false, publicDir: false });
    try {
      await app.ready();
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(kept)).toBe(true);
    } finally {
      await app.close();
    }
  });
});
