import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { Command, Option } from 'commander';
import { readStream } from '../findings/read.js';
import { demoEvents } from '../findings/samples.js';
import { PROVIDERS } from '../analysis/llm/provider.js';
import { STYLES, type Style } from '../analysis/styles.js';
import { ANALYSTS, type AnalystFlags, buildAnalyst } from './analyst.js';
import { sampleEvents } from './samples.js';
import { FORMATS, type Format, runTriage, runTriageItems } from './triage.js';

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

  const formatOption = (): Option => new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text');

  program
    .command('triage')
    .description(
      'read findings (EventBridge events, raw GuardDuty/ASFF/OCSF/Inspector/Macie/Config findings;\n' +
        'JSON, JSON arrays, JSON Lines or gzip) and explain each one with steps, IaC fix and proposed actions',
    )
    .argument('[files...]', 'input files; stdin when none or "-"')
    .addOption(formatOption())
    .option('--color', 'force colour in text output')
    .option('--no-color', 'never use colour')
    .addOption(new Option('--style <style>', 'text layout: the full report, the e-mail draft (subject, greeting, summary, steps, signed), or a Slack-sized summary').choices(STYLES).default('standard'))
    .addOption(new Option('--analyst <name>', 'who explains each finding: the offline playbooks, a model, or a model grounded by the playbooks').choices(ANALYSTS).default('playbook'))
    .addOption(new Option('--provider <name>', 'model provider (default: anthropic when ANTHROPIC_API_KEY is set, openai when OPENAI_BASE_URL or OPENAI_API_KEY is, else bedrock)').choices(PROVIDERS))
    .option('--model <id>', 'model id or Bedrock inference profile (default: a small model of the provider)')
    .option('--endpoint <url>', 'provider endpoint, overriding OPENAI_BASE_URL, ANTHROPIC_BASE_URL or the AWS SDK\'s endpoint')
    .option('--llm-concurrency <n>', 'model calls in flight at once', '4')
    .option('--llm-rpm <n>', 'model calls started per minute, 0 for no limit', '0')
    .option('--llm-timeout <seconds>', 'timeout of one model call', '60')
    .option('--llm-cache <dir>', 'keep model answers in DIR across runs (they are always cached within a run)')
    .option('--redact <kinds>', 'personal data to redact before a model sees it: email,phone,ip or none (secrets always are)', 'email,phone')
    .option('--price <in,out>', 'US dollars per million input and output tokens, for cost estimates of unlisted models')
    .addHelpText(
      'after',
      '\nExit status: 0 all input processed, 2 some input rejected, 1 failure of the tool itself.\n' +
        'Models: OPENAI_BASE_URL/OPENAI_API_KEY (Ollama, vLLM, LM Studio, llama.cpp), ANTHROPIC_BASE_URL/ANTHROPIC_API_KEY,\n' +
        'Bedrock through the AWS SDK chain (AWS_REGION, credentials, AWS_ENDPOINT_URL_BEDROCK_RUNTIME). See docs/llm.md.',
    )
    .action(async (files: string[], opts: { format: Format; color?: boolean; style: Style } & AnalystFlags) => {
      const analyst = await buildAnalyst(opts, (line) => process.stderr.write(`${line}\n`));
      process.exitCode = await runTriage(files, { format: opts.format, analyst, style: opts.style, ...(opts.color === undefined ? {} : { color: opts.color }) }, process);
    });

  program
    .command('samples')
    .description('write realistic sample events as JSON Lines (like GuardDuty\'s sample findings), for demos and tests')
    .option('-t, --type <type...>', 'GuardDuty finding type(s), e.g. UnauthorizedAccess:EC2/SSHBruteForce')
    .option('-c, --control <id...>', 'Security Hub control id(s), e.g. EC2.18')
    .option('-a, --all', 'one sample for every type and control the catalog knows, plus every source')
    .option('--account <id>', 'AWS account id to use', '123456789012')
    .option('--region <region>', 'AWS region to use', 'us-east-1')
    .addHelpText('after', '\nWith no option, writes the demo set that `firebreak demo` triages.')
    .action((opts: { type?: string[]; control?: string[]; all?: boolean; account: string; region: string }) => {
      if (!/^\d{12}$/.test(opts.account)) throw new Error(`--account ${JSON.stringify(opts.account)} is not a 12-digit AWS account id`);
      const events = sampleEvents({ types: opts.type ?? [], controls: opts.control ?? [], all: opts.all === true, options: { account: opts.account, region: opts.region } });
      process.stdout.write(events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    });

  program
    .command('demo')
    .description('triage a bundled set of realistic sample findings offline and print the report')
    .addOption(formatOption())
    .action(async (opts: { format: Format }) => {
      const text = demoEvents().map((e) => JSON.stringify(e)).join('\n');
      process.exitCode = await runTriageItems(readStream(Readable.from([text]), 'demo'), { format: opts.format }, process);
    });

  return program;
}
