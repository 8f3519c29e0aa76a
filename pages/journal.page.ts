// A page that owns a resource: it opens a file when it renders and holds it while the tab lives.
// `page.own()` closes the file when the page closes — tab closed, navigated away, or never came back.
// Handlers added while rendering (`page.on`) can declare a schema too.
import { z } from 'zod';
import { definePage } from './$types/journal.js';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openJournals } from './_lib/journals.js';

export default definePage({
  async get(_ctx, page) {
    const file = path.join(tmpdir(), `pagebound-journal-${process.pid}.log`);
    const handle = page.own(await open(file, 'a'));
    openJournals.add(page.id);
    page.onClose(() => openJournals.delete(page.id));
    page.on('write', {
      schema: z.object({ line: z.string().max(200) }),
      async handler({ line }) {
        await handle.appendFile(`${new Date().toISOString()} ${line}\n`);
        return { written: line.length };
      },
    });
    page.on('status', () => ({ open: openJournals.size }));
    return { title: 'Journal', file, open: openJournals.size };
  },
});
