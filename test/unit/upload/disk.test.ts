import { mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UploadDisk } from '../../../src/upload/disk.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const base = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'pb-disk-test-'));
  dirs.push(d);
  return d;
};

describe('upload disk', () => {
  it('reserves within maxUploadDiskBytes and gives back what is released', () => {
    const disk = new UploadDisk({ dir: base(), maxBytes: 100 });
    expect(disk.reserve(60, 's1')).toBe('ok');
    expect(disk.reserve(41, 's2')).toBe('process');
    expect(disk.reserved).toBe(60);
    expect(disk.reserve(40, 's2')).toBe('ok');
    disk.release(60, 's1');
    expect(disk.reserve(60, 's1')).toBe('ok');
    expect(disk.reserved).toBe(100);
  });

  it('holds one session to its share (maxUploadDiskBytesPerSession) while other sessions still fit', () => {
    const disk = new UploadDisk({ dir: base(), maxBytes: 100, maxBytesPerSession: 30 });
    expect(disk.reserve(20, 'greedy')).toBe('ok');
    expect(disk.reserve(10, 'greedy')).toBe('ok');
    expect(disk.reserve(1, 'greedy')).toBe('session');
    expect(disk.reservedBy('greedy')).toBe(30);
    expect(disk.reserve(30, 'other')).toBe('ok');
    expect(disk.reserved).toBe(60);
    // An upload that ends gives its bytes back to its session's share.
    disk.release(20, 'greedy');
    expect(disk.reservedBy('greedy')).toBe(10);
    expect(disk.reserve(20, 'greedy')).toBe('ok');
    disk.release(30, 'greedy');
    expect(disk.reservedBy('greedy')).toBe(0);
  });

  it('makes random names in one private folder under uploadDir, and removes it on close', async () => {
    const dir = base();
    const disk = new UploadDisk({ dir, maxBytes: 100 });
    const a = await disk.newPath();
    const b = await disk.newPath();
    // The folder names its process, so a later one can tell a crashed process's leftovers.
    expect(path.basename(path.dirname(a))).toMatch(new RegExp(`^pagebound-uploads-${process.pid}-[A-Za-z0-9]{6}$`));
    expect(path.dirname(a)).toBe(path.dirname(b));
    expect(path.dirname(path.dirname(a))).toBe(dir);
    expect(a).not.toBe(b);
    expect(path.basename(a)).toMatch(/^[0-9a-f-]{36}$/);
    expect(statSync(path.dirname(a)).mode & 0o777).toBe(0o700);
    writeFileSync(a, 'x');
    await disk.close();
    expect(existsSync(path.dirname(a))).toBe(false);
    // A closed disk takes nothing more.
    expect(disk.reserve(1, 's')).toBe('process');
  });
});
