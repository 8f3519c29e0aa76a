// Uploads with progress and no client script: the file input in a live form sends its files over
// the page's own connection (resumed after a drop like every frame); the runtime shows progress as
// `--pb-progress` and `pb-uploading` on the form. The handler gets temp files the page deletes once
// it is done: this one reads each file to hash it and keeps only what it shows.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { definePage } from './$types/upload.js';

interface Shown { name: string; type: string; size: number; sha256: string; note: string }

export default definePage({
  state: () => ({ uploads: [] as Shown[] }),
  get: (_ctx, page) => ({ title: 'Upload', ...page.state }),
  on: {
    upload: {
      // Checked before a byte is sent: at most 3 files of 20 MiB, images, PDFs or text.
      upload: { maxFileBytes: 20 << 20, maxFiles: 3, accept: ['image/*', '.pdf', 'text/plain'] },
      schema: z.object({ note: z.string().trim().max(200) }),
      async handler({ note }, page, event) {
        if (event.files.length === 0) throw Object.assign(new Error('Choose a file first.'), { expose: true });
        for (const file of event.files) {
          const hash = createHash('sha256');
          for await (const chunk of file.stream()) hash.update(chunk as Buffer);
          // `file.moveTo(path)` would keep it; the name and type are the browser's claims, shown escaped.
          page.state.uploads = [{ name: file.name, type: file.type || 'unknown', size: file.size, sha256: hash.digest('hex'), note }, ...page.state.uploads].slice(0, 10);
        }
      },
    },
  },
});
