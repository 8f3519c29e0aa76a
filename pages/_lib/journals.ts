// Which pages hold the journal file open right now (for the demo's display; `_lib` is never routed).
export const openJournals = new Set<string>();
