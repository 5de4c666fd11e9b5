/**
 * Vitest global setup: makes sure the Python tools the tests use, the AWS emulator (moto server)
 * and the CloudFormation linter (cfn-lint), are installed in the project's own virtual
 * environment, `.venv`, and the IaC scanner checkov in its own, `.venv-checkov` (its pinned
 * dependencies would fight moto's), before any test file starts. Runs once per test run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MOTO_SERVER = join(ROOT, '.venv', 'bin', 'moto_server');
export const CFN_LINT = join(ROOT, '.venv', 'bin', 'cfn-lint');
export const CHECKOV = join(ROOT, '.venv-checkov', 'bin', 'checkov');

/** Installs `packages` into the virtual environment at `venv`, creating it when missing. */
function install(venv: string, packages: string[]): void {
  if (packages.length === 0) return;
  process.stderr.write(`firebreak tests: installing ${packages.join(' and ')} into ${venv.slice(ROOT.length)} (once)\n`);
  if (!existsSync(join(venv, 'bin', 'pip'))) execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  execFileSync(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...packages], { stdio: 'inherit', timeout: 600_000 });
}

export default function setup(): void {
  install(join(ROOT, '.venv'), [...(existsSync(MOTO_SERVER) ? [] : ['moto[server]']), ...(existsSync(CFN_LINT) ? [] : ['cfn-lint'])]);
  install(join(ROOT, '.venv-checkov'), existsSync(CHECKOV) ? [] : ['checkov==3.3.30']);
}
