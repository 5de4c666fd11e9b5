import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/fixtures.js';

const CORE = ['findings', 'routing', 'analysis', 'response', 'notify', 'store'];
const RUNTIMES = ['cli', 'server', 'aws'];

function files(dir: string): string[] {
  let out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(files(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('layers', () => {
  it('the core never imports a runtime', () => {
    const offenders: string[] = [];
    for (const layer of CORE) {
      for (const file of files(join(ROOT, 'src', layer))) {
        for (const m of readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)) {
          const spec = m[1] ?? '';
          if (RUNTIMES.some((r) => new RegExp(`(^|/)${r}/`).test(spec))) offenders.push(`${relative(ROOT, file)} imports ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
