#!/usr/bin/env node
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';

/** Exit status for a failure of the tool itself (the CLI contract: 0 ok, 2 rejected input, 1 failure). */
const EXIT_FAILURE = 1;

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; usage errors exit 1 with the message already printed
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_FAILURE;
      return;
    }
    process.stderr.write(`firebreak: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = EXIT_FAILURE;
  }
}

await main(process.argv);
