/**
 * Answers already obtained, keyed by everything that determines them (see `buildPrompt`). Answers
 * are stored generalized (with placeholders), so one answer serves every finding of the same kind.
 * In memory for one run (LRU), or on disk across runs (`--llm-cache DIR`), re-validated on read.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Answer, parseAnswer } from './answer.js';

/** Where answers are kept. */
export interface AnswerCache {
  get(key: string): Answer | undefined;
  set(key: string, answer: Answer): void;
}

/** An in-memory LRU cache. */
export class MemoryCache implements AnswerCache {
  private readonly entries = new Map<string, Answer>();

  constructor(private readonly max = 10_000) {}

  get(key: string): Answer | undefined {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, answer: Answer): void {
    this.entries.delete(key);
    this.entries.set(key, answer);
    if (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/** A directory of `<key>.json` files in front of an in-memory cache; unreadable entries are misses. */
export class FileCache implements AnswerCache {
  private readonly memory = new MemoryCache();

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  get(key: string): Answer | undefined {
    const hit = this.memory.get(key);
    if (hit !== undefined) return hit;
    let text: string;
    try {
      text = readFileSync(join(this.dir, `${key}.json`), 'utf8');
    } catch {
      return undefined;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return undefined;
    }
    const parsed = parseAnswer(value);
    if (!parsed.ok) return undefined;
    this.memory.set(key, parsed.answer);
    return parsed.answer;
  }

  set(key: string, answer: Answer): void {
    this.memory.set(key, answer);
    const file = join(this.dir, `${key}.json`);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(answer));
    renameSync(tmp, file);
  }
}
