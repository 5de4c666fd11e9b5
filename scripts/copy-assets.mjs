// Copies data files the build needs beside the compiled code (playbook catalog, message templates) and marks the CLI executable.
// The catalog's YAML is also parsed once here into catalog.json (file name -> parsed document), which
// the CLI loads instead of parsing YAML on every start; it is validated on load exactly as the YAML is.
import { chmodSync, cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

cpSync('src/analysis/playbooks/catalog', 'dist/analysis/playbooks/catalog', { recursive: true });
const catalogDir = 'src/analysis/playbooks/catalog';
const parsed = Object.fromEntries(
  readdirSync(catalogDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => [f, parse(readFileSync(`${catalogDir}/${f}`, 'utf8'), { maxAliasCount: 1000 })]),
);
writeFileSync('dist/analysis/playbooks/catalog.json', JSON.stringify(parsed));
cpSync('src/analysis/playbooks/index', 'dist/analysis/playbooks/index', { recursive: true });
cpSync('src/findings/data', 'dist/findings/data', { recursive: true });
cpSync('src/notify/templates', 'dist/notify/templates', { recursive: true });
chmodSync('dist/cli/main.js', 0o755);
