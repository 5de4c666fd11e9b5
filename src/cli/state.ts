/**
 * Where a run keeps its state: one SQLite file (`.firebreak/firebreak.sqlite` beside the
 * configuration unless `state:` or `--state FILE` names another) holding what de-duplication has
 * seen, the delivery ledger, and (with the response engine) executions. Files of earlier versions
 * (`.firebreak/state.db`, `.firebreak/deliveries.jsonl`) are taken over once.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { FirebreakConfig } from '../config/schema.js';
import { type DeliveryLedger, FileLedger, SqliteLedger } from '../notify/ledger.js';
import { SqliteStore, StoreError } from '../store/index.js';

/** The state file, relative to the configuration's directory. */
export const DEFAULT_STATE = '.firebreak/firebreak.sqlite';

/** The state file a run uses: `--state`, else the configuration's `state`, else the default. */
export function statePath(config: FirebreakConfig | undefined, dir: string, flag?: string): string {
  if (flag !== undefined) return resolve(flag);
  return resolve(dir, config?.state ?? DEFAULT_STATE);
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';

/** Whether `file` is a JSON Lines ledger of an earlier firebreak (not a SQLite database). */
function isJsonLines(file: string): boolean {
  try {
    const head = readFileSync(file).subarray(0, 16).toString('latin1');
    return head.length > 0 && head !== SQLITE_MAGIC && head.trimStart().startsWith('{');
  } catch {
    return false;
  }
}

/**
 * Opens the SQLite state at `path`. When the default file does not exist yet and the earlier
 * default (`state.db` beside it) does, that one is renamed into place first.
 */
export function openState(path: string, log: (line: string) => void = () => {}): SqliteStore {
  if (!existsSync(path) && basename(path) === basename(DEFAULT_STATE)) {
    const legacy = join(dirname(path), 'state.db');
    if (existsSync(legacy)) {
      for (const suffix of ['', '-wal', '-shm']) if (existsSync(legacy + suffix)) renameSync(legacy + suffix, path + suffix);
      log(`firebreak: moved the de-duplication store ${legacy} to ${path} (one state file now holds it and the delivery ledger)`);
    }
  }
  if (isJsonLines(path)) {
    throw new StoreError(`${path}: a JSON Lines delivery ledger of an earlier firebreak, not a SQLite database; name a new file with --state (or state: in the configuration) and firebreak imports this one when its name is ${join(dirname(path), 'deliveries.jsonl')}`);
  }
  return new SqliteStore(path);
}

/** Imports an earlier JSON Lines ledger into an empty SQLite ledger, then renames it aside. */
function importLegacy(ledger: SqliteLedger, file: string, log: (line: string) => void): void {
  if (!existsSync(file) || !ledger.isEmpty()) return;
  const records = new FileLedger(file).all();
  for (const r of records) ledger.put(r);
  const n = records.length;
  renameSync(file, `${file}.imported`);
  log(`firebreak: imported ${n} deliveries from ${file} into the state store (the old file is now ${file}.imported)`);
}

/**
 * The delivery ledger in the state file at `path`. Without the SQLite driver, a JSON Lines file
 * beside it serves one run at a time, and `log` says so.
 */
export function openLedger(path: string, log: (line: string) => void): DeliveryLedger {
  let store: SqliteStore;
  try {
    store = openState(path, log);
  } catch (err) {
    if (!(err instanceof StoreError) || !/better-sqlite3/.test(err.message)) throw err;
    const file = join(dirname(path), 'deliveries.jsonl');
    log(`firebreak: ${err.message}; keeping deliveries in ${file}, which is not safe for two runs at once`);
    return new FileLedger(file);
  }
  const ledger = new SqliteLedger(store);
  try {
    importLegacy(ledger, join(dirname(path), 'deliveries.jsonl'), log);
  } catch (err) {
    ledger.close();
    throw err;
  }
  return ledger;
}
