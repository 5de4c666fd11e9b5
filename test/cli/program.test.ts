import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('firebreak CLI', () => {
  it('prints usage with its commands on --help and exits 0', () => {
    const r = runCli(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: firebreak \[options\] \[command\]/);
    expect(r.stdout).toContain('--version');
    expect(r.stdout).toMatch(/^\s+version\s/m);
  });

  it('prints the package version on --version', () => {
    const r = runCli(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('names itself and the runtime in `firebreak version`', () => {
    const r = runCli(['version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`firebreak ${pkg.version} (node ${process.version})\n`);
  });

  it('rejects an unknown command with a non-zero exit, its name and a pointer to help', () => {
    const r = runCli(['frobnicate']);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("unknown command 'frobnicate'");
    expect(r.stderr).toContain('firebreak --help');
  });

  it('suggests the closest command for a typo', () => {
    const r = runCli(['versoin']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('Did you mean version?');
  });
});
