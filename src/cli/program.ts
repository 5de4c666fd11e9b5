import { readFileSync } from 'node:fs';
import { Command } from 'commander';

/** The package version, read from the installed package.json. */
export function packageVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  const pkg = JSON.parse(readFileSync(url, 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

/** Builds the `firebreak` command tree. Commands are added by each capability. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('firebreak')
    .description(
      'Turn AWS security findings into plain-language explanations, exact steps,\n' +
        'IaC fixes and safe, approved, reversible remediation.',
    )
    .version(packageVersion(), '-V, --version', 'print the firebreak version')
    .showHelpAfterError('(run "firebreak --help" for the list of commands)')
    .showSuggestionAfterError(true);

  program
    .command('version')
    .description('print the firebreak version and the Node.js version it runs on')
    .action(() => {
      process.stdout.write(`firebreak ${packageVersion()} (node ${process.version})\n`);
    });

  return program;
}
