// Copies data files the build needs beside the compiled code (playbook catalog, message templates) and marks the CLI executable.
import { chmodSync, cpSync } from 'node:fs';

cpSync('src/analysis/playbooks/catalog', 'dist/analysis/playbooks/catalog', { recursive: true });
cpSync('src/analysis/playbooks/index', 'dist/analysis/playbooks/index', { recursive: true });
cpSync('src/findings/data', 'dist/findings/data', { recursive: true });
cpSync('src/notify/templates', 'dist/notify/templates', { recursive: true });
chmodSync('dist/cli/main.js', 0o755);
