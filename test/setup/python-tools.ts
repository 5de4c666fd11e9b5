/**
 * Vitest global setup: makes sure the Python tools the tests use, the AWS emulator (moto server)
 * and the CloudFormation linter (cfn-lint), are installed in the project's own virtual
 * environment, `.venv`, before any test file starts. Runs once per test run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MOTO_SERVER = join(ROOT, '.venv', 'bin', 'moto_server');
export const CFN_LINT = join(ROOT, '.venv', 'bin', 'cfn-lint');

export default function setup(): void {
  const missing = [
    ...(existsSync(MOTO_SERVER) ? [] : ['moto[server]']),
    ...(existsSync(CFN_LINT) ? [] : ['cfn-lint']),
  ];
  if (missing.length === 0) return;
  process.stderr.write(`firebreak tests: installing ${missing.join(' and ')} into .venv (once)\n`);
  const venv = join(ROOT, '.venv');
  if (!existsSync(join(venv, 'bin', 'pip'))) execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  execFileSync(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...missing], { stdio: 'inherit', timeout: 600_000 });
}
