/** The finding store: `MemoryStore` for one run, `SqliteStore` to remember across runs. */
export { StoreError } from './errors.js';
export { MemoryStore } from './memory.js';
export { OverlayStore } from './overlay.js';
export { SqliteStore } from './sqlite.js';
export type { FindingRecord, IncidentRecord, Store } from './types.js';
