#!/usr/bin/env node
import { CommanderError } from 'commander';
import { isClosedOutput } from './output.js';
import { buildProgram } from './program.js';

/** Exit status for a failure of the tool itself (the CLI contract: 0 ok, 2 rejected input, 1 failure). */
const EXIT_FAILURE = 1;

// `firebreak ... | head`: once the reader has gone, writes fail with EPIPE. That is no error: the
// command stops writing (triage stops reading and closes its channels) and exits quietly.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (isClosedOutput(err)) return;
  process.stderr.write(`firebreak: cannot write the output: ${err.message}\n`);
  process.exit(EXIT_FAILURE);
});

// The SDK warns on Node 20 about its releases of 2027; the versions this package locks support it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

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
    if (isClosedOutput(err)) return;
    process.stderr.write(`firebreak: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = EXIT_FAILURE;
  }
}

await main(process.argv);
