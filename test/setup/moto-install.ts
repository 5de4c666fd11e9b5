/**
 * Vitest global setup: makes sure the AWS emulator (moto server) is installed in the project's
 * own virtual environment, `.venv`, before any test file starts one. Runs once per test run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MOTO_SERVER = join(ROOT, '.venv', 'bin', 'moto_server');

export default function setup(): void {
  if (existsSync(MOTO_SERVER)) return;
  process.stderr.write('firebreak tests: installing moto server into .venv (once)\n');
  const venv = join(ROOT, '.venv');
  if (!existsSync(join(venv, 'bin', 'pip'))) execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  execFileSync(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', 'moto[server]'], { stdio: 'inherit', timeout: 600_000 });
}
