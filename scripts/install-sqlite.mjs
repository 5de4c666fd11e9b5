// Builds better-sqlite3 (the SQLite store's driver) when `npm ci` could not.
//
// Its install script compiles a native addon with node-gyp, which downloads Node's headers unless
// told where they are; offline, or behind a proxy, that fails and npm drops the (optional) package.
// This step, run from `postinstall`, installs it again pointing node-gyp at the headers that come
// with the running Node (`<prefix>/include/node`) when they are there.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
try {
  const Database = require('better-sqlite3');
  new Database(':memory:').close();
  process.exit(0);
} catch {
  // not installed or not built for this Node: build it below
}

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const spec = pkg.optionalDependencies?.['better-sqlite3'];
if (spec === undefined) process.exit(0);
const env = { ...process.env };
const prefix = dirname(dirname(process.execPath));
if (env.npm_config_nodedir === undefined && existsSync(join(prefix, 'include', 'node', 'node_version.h'))) env.npm_config_nodedir = prefix;
console.error(`firebreak: building better-sqlite3 ${spec} for the SQLite store${env.npm_config_nodedir ? ` (Node headers from ${env.npm_config_nodedir})` : ''}`);
try {
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['install', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts=false', `better-sqlite3@${spec}`], { stdio: ['ignore', 'inherit', 'inherit'], env });
} catch {
  console.error('firebreak: could not build better-sqlite3; the SQLite store is unavailable (dedupe.store: memory still works). See docs/routing.md.');
}
