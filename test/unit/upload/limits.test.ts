import { describe, expect, it } from 'vitest';
import { accepts, checkFiles, checkUploadOptions, parseRequest, resolveLimits, safeName, type FileClaim } from '../../../src/upload/limits.js';

const file = (over: Partial<FileClaim> = {}): FileClaim => ({ field: 'doc', name: 'a.pdf', size: 10, type: 'application/pdf', ...over });
const limits = resolveLimits({ maxFileBytes: 100, maxFiles: 2, accept: ['image/*', '.PDF', 'text/plain'] }, { maxUploadBytes: 1, maxUploadFiles: 1 });

describe('upload limits', () => {
  it('fills what an event leaves out from the app defaults', () => {
    expect(resolveLimits({}, { maxUploadBytes: 10, maxUploadFiles: 3 })).toEqual({ maxFileBytes: 10, maxFiles: 3, accept: undefined });
    expect(limits).toEqual({ maxFileBytes: 100, maxFiles: 2, accept: ['image/*', '.pdf', 'text/plain'] });
  });

  it('refuses a malformed `upload` when the page module loads', () => {
    expect(checkUploadOptions('save', true)).toEqual({});
    expect(() => checkUploadOptions('save', { maxFileBytes: 0 })).toThrow(/maxFileBytes/);
    expect(() => checkUploadOptions('save', { maxFiles: 1.5 })).toThrow(/maxFiles/);
    expect(() => checkUploadOptions('save', { accept: 'image/*' })).toThrow(/accept/);
    expect(() => checkUploadOptions('save', 'yes')).toThrow(/true or/);
  });

  it('takes a request of the right shape only', () => {
    expect(parseRequest({ event: 'save', files: [file()] })).toEqual({ event: 'save', files: [file()] });
    for (const bad of [
      null, 'x', { event: 'bad name', files: [file()] }, { event: 'save', files: [] }, { event: 'save', files: 'x' },
      { event: 'save', files: [file({ size: -1 })] }, { event: 'save', files: [file({ size: 1.5 })] },
      { event: 'save', files: [file({ field: '' })] }, { event: 'save', files: [file({ name: 'x'.repeat(1025) })] },
      { event: 'save', files: [{ ...file(), type: 7 }] }, { event: 'save', files: Array.from({ length: 1001 }, () => file()) },
    ]) {
      expect(parseRequest(bad)).toMatchObject({ code: 'PB_ERR_UPLOAD_INVALID', statusCode: 400 });
    }
  });

  it('answers each broken limit with its own code, naming the limit and never the file', () => {
    expect(checkFiles([file(), file({ name: 'b.png', type: 'image/png' })], limits)).toBeNull();
    const many = checkFiles([file(), file(), file()], limits)!;
    expect(many).toMatchObject({ code: 'PB_ERR_UPLOAD_TOO_MANY', statusCode: 413 });
    expect(many.message).toContain('2 files');
    const big = checkFiles([file({ name: '<script>.pdf', size: 101 })], limits)!;
    expect(big).toMatchObject({ code: 'PB_ERR_UPLOAD_TOO_LARGE', statusCode: 413 });
    expect(big.message).toContain('100 bytes');
    expect(big.message).not.toContain('script');
    const type = checkFiles([file({ name: 'evil<b>.exe', type: 'application/x-msdownload' })], limits)!;
    expect(type).toMatchObject({ code: 'PB_ERR_UPLOAD_TYPE', statusCode: 415 });
    expect(type.message).toContain('image/*, .pdf, text/plain');
    expect(type.message).not.toMatch(/evil|msdownload/);
  });

  it('matches types as <input accept> does', () => {
    expect(accepts(['image/*'], 'x', 'image/png')).toBe(true);
    expect(accepts(['image/*'], 'x', 'image/')).toBe(false);
    expect(accepts(['image/*'], 'x.png', 'imagex/png')).toBe(false);
    expect(accepts(['text/plain'], 'x', 'Text/Plain; charset=utf-8')).toBe(true);
    expect(accepts(['.pdf'], 'REPORT.PDF', '')).toBe(true);
    expect(accepts(['.pdf'], '.pdf', '')).toBe(false);
    expect(accepts(['.pdf'], 'x.pdf.exe', 'application/pdf')).toBe(false);
  });

  it('reduces a file name to a harmless last segment', () => {
    expect(safeName('C:\\fakepath\\photo.jpg')).toBe('photo.jpg');
    expect(safeName('../../etc/passwd')).toBe('passwd');
    expect(safeName('..')).toBe('file');
    expect(safeName('a/..')).toBe('file');
    expect(safeName('')).toBe('file');
    expect(safeName('inv\u202eoice.pdf\u0000\n')).toBe('invoice.pdf');
    expect(Array.from(safeName('é'.repeat(400)))).toHaveLength(255);
  });
});
