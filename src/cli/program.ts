import { existsSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { Command, Option } from 'commander';
import { readStream } from '../findings/read.js';
import { demoEvents } from '../findings/samples.js';
import { PROVIDERS } from '../analysis/llm/provider.js';
import { STYLES, type Style } from '../analysis/styles.js';
import { ANALYSTS, type AnalystFlags, type CliAnalyst, buildAnalyst } from './analyst.js';
import { sampleEvents } from './samples.js';
import { runCatalog } from './catalog.js';
import { FORMATS, type Format, runTriage, runTriageItems } from './triage.js';
import { DEFAULT_CONFIG, type NotifyFlags, buildNotifier, loadConfig, runNotify } from './notify.js';
import { type CliRouting, buildRouting, wantsRouting } from './routing.js';
import { MESSAGE_STYLES, type MessageStyle } from '../notify/types.js';
import { runMatch, runTestPattern } from './patterns.js';
import { runDeliveries } from './deliveries.js';
import { openLedger, openState, statePath } from './state.js';
import { type ResponseFlags, runAct, runExecutions, runPlan, runRollback, setupResponse } from './respond.js';
import { iamPolicy } from '../response/iam-policy.js';
import { SqliteExecutionLog } from '../response/log.js';
import { UnknownActionError } from '../response/registry.js';
import { ResponseStage } from '../response/stage.js';

/**
 * The response stage of a notification run: with `response:` in the configuration it plans each
 * proposed action and executes those `auto` routes allow (only plans with `--outbox`); with
 * `--update-findings` (or `response.updateFindings`) it writes back to Security Hub.
 */
function responseStage(opts: NotifyFlags & ResponseFlags): ResponseStage {
  const loaded = loadConfig(opts.config);
  const commands = { ...(opts.config === undefined ? {} : { config: opts.config }), ...(opts.state === undefined ? {} : { state: opts.state }) };
  const preview = opts.outbox !== undefined;
  if (loaded?.config.response === undefined && (opts.updateFindings !== true || preview)) return new ResponseStage({ commands });
  const setup = setupResponse(loaded, { ...opts, preview }, log);
  return new ResponseStage({
    ...(loaded?.config.response === undefined ? {} : { engine: setup.engine }),
    preview,
    ...(setup.writer === undefined ? {} : { writer: setup.writer }),
    commands,
    close: setup.close,
  });
}

/** Builds the notifier and response stage of `triage --notify` and `notify` from their flags. */
function notifyOption(opts: NotifyFlags & ResponseFlags & { style?: string; flushDigests?: boolean }) {
  const style = opts.style === 'email-draft' ? ('email-draft' as MessageStyle) : undefined;
  const built = buildNotifier({ ...opts, ...(style === undefined ? {} : { style }) }, undefined);
  return { notifier: built.notifier, stage: responseStage(opts), flushAll: opts.flushDigests === true || opts.outbox !== undefined, ...(built.statePath === undefined ? {} : { statePath: built.statePath }) };
}

/** Writes one line of news (a note, a warning) on stderr. */
const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** The analyst the flags name, and the route stage when the configuration has routes, mutes or de-duplication. */
async function analystAndRouting(opts: AnalystFlags & { config?: string; state?: string; outbox?: string }): Promise<{ analyst: CliAnalyst; routing?: CliRouting }> {
  const analyst = await buildAnalyst(opts, log);
  const loaded = loadConfig(opts.config);
  if (loaded === undefined || !wantsRouting(loaded.config)) return { analyst };
  return { analyst, routing: await buildRouting(loaded.config, loaded.dir, opts, log) };
}

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

  const addAnalystOptions = (command: Command): Command =>
    command
      .addOption(new Option('--analyst <name>', 'who explains each finding: the offline playbooks, a model, or a model grounded by the playbooks').choices(ANALYSTS).default('playbook'))
      .addOption(new Option('--provider <name>', 'model provider (default: anthropic when ANTHROPIC_API_KEY is set, openai when OPENAI_BASE_URL or OPENAI_API_KEY is, else bedrock)').choices(PROVIDERS))
      .option('--model <id>', 'model id or Bedrock inference profile (default: a small model of the provider)')
      .option('--endpoint <url>', 'provider endpoint, overriding OPENAI_BASE_URL, ANTHROPIC_BASE_URL or the AWS SDK\'s endpoint')
      .option('--llm-concurrency <n>', 'model calls in flight at once', '4')
      .option('--llm-rpm <n>', 'model calls started per minute, 0 for no limit', '0')
      .option('--llm-timeout <seconds>', 'timeout of one model call', '60')
      .option('--llm-cache <dir>', 'keep model answers in DIR across runs (they are always cached within a run)')
      .option('--redact <kinds>', 'personal data to redact before a model sees it: email,phone,ip or none (secrets always are)', 'email,phone')
      .option('--price <in,out>', 'US dollars per million input and output tokens, for cost estimates of unlisted models');

  const formatOption = (): Option => new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text');

  const triageCommand = program
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
    .option('--notify', 'send each finding to the configured channels (see docs/notify.md)')
    .option('--outbox <dir>', 'with --notify: write what would be sent under DIR/<channel>/ instead of sending (implies --notify)')
    .option('--config <file>', `configuration file: routes, mutes, de-duplication, channels (default: ${DEFAULT_CONFIG} when present)`)
    .option('--channel <name...>', 'with --notify: only these configured channels')
    .option('--state <file>', 'the state store: de-duplication and delivery ledger (default: .firebreak/firebreak.sqlite beside the configuration)')
    .option('--flush-digests', 'with --notify: send queued digests now instead of when their hour or day ends')
    .option('--update-findings', 'with --notify: set Workflow.Status NOTIFIED in Security Hub once people were told (RESOLVED after a verified automatic remediation)')
    .option('--endpoint-url <url>', "with --notify: send every AWS call (plans, automatic actions, write-back) to this URL, like the AWS CLI's --endpoint-url");
  addAnalystOptions(triageCommand)
    .addHelpText(
      'after',
      '\nExit status: 0 all input processed, 2 some input rejected, 1 failure of the tool itself.\n' +
        'Models: OPENAI_BASE_URL/OPENAI_API_KEY (Ollama, vLLM, LM Studio, llama.cpp), ANTHROPIC_BASE_URL/ANTHROPIC_API_KEY,\n' +
        'Bedrock through the AWS SDK chain (AWS_REGION, credentials, AWS_ENDPOINT_URL_BEDROCK_RUNTIME). See docs/llm.md.\n' +
        'With --notify, a delivery that failed (and is kept for retry) or an automatic action that failed also gives exit status 1. See docs/notify.md.',
    )
    .action(async (files: string[], opts: { format: Format; color?: boolean; style: Style; notify?: boolean; flushDigests?: boolean } & AnalystFlags & NotifyFlags & ResponseFlags) => {
      const { analyst, routing } = await analystAndRouting(opts);
      const notify = opts.notify === true || opts.outbox !== undefined ? notifyOption(opts) : undefined;
      process.exitCode = await runTriage(files, { format: opts.format, analyst, style: opts.style, ...(notify === undefined ? {} : { notify }), ...(routing === undefined ? {} : { routing }), ...(opts.color === undefined ? {} : { color: opts.color }) }, process);
    });

  const notifyCommand = program
    .command('notify')
    .description('explain findings and deliver them to the configured channels (e-mail, SNS, SMS, Slack, Teams, webhooks, PagerDuty)')
    .argument('[files...]', 'input files; stdin when none or "-"')
    .option('--channel <name...>', 'only these configured channels (default: all)')
    .option('--config <file>', `configuration file (default: ${DEFAULT_CONFIG} when present)`)
    .option('--outbox <dir>', 'write what would be sent under DIR/<channel>/ instead of sending; with no configuration every channel type is rendered with example recipients')
    .addOption(new Option('--style <style>', 'message style: the full report, or the e-mail draft (greeting, summary, steps, signed)').choices(MESSAGE_STYLES))
    .option('--state <file>', 'the state store: de-duplication and delivery ledger (default: .firebreak/firebreak.sqlite beside the configuration)')
    .option('--flush-digests', 'send queued digests now instead of when their hour or day ends')
    .option('--update-findings', 'set Workflow.Status NOTIFIED in Security Hub once people were told (RESOLVED after a verified automatic remediation)')
    .option('--endpoint-url <url>', "send every AWS call (plans, automatic actions, write-back) to this URL, like the AWS CLI's --endpoint-url")
    .addOption(new Option('-f, --format <format>', 'outcome lines as text or JSON Lines').choices(['text', 'json']).default('text'));
  addAnalystOptions(notifyCommand)
    .addHelpText('after', '\nExit status: 0 all delivered (or written), 2 some input rejected, 1 a delivery failed (kept for retry), an automatic action failed, or the tool failed.')
    .action(async (files: string[], opts: { format: 'text' | 'json'; flushDigests?: boolean } & AnalystFlags & NotifyFlags & ResponseFlags) => {
      const { analyst, routing } = await analystAndRouting(opts);
      process.exitCode = await runNotify(files, { ...notifyOption(opts), analyst, format: opts.format, ...(routing === undefined ? {} : { routing }) }, process);
    });

  program
    .command('deliveries')
    .description('list the messages not delivered yet (failed and kept for retry, left sending by a run that died, queued for a digest), or drop one')
    .option('--config <file>', `configuration file (default: ${DEFAULT_CONFIG} when present)`)
    .option('--state <file>', 'the state store (default: .firebreak/firebreak.sqlite beside the configuration)')
    .option('--drop <key...>', 'remove these deliveries (by the key a listing shows): they are not retried')
    .addOption(new Option('-f, --format <format>', 'lines for people or JSON Lines').choices(['text', 'json']).default('text'))
    .addHelpText('after', '\nThe next `triage --notify` or `notify` run sends failed and abandoned messages again, with the channel\'s current settings.\nExit status: 0 listed or dropped, 2 a key to drop was not found.')
    .action((opts: { config?: string; state?: string; drop?: string[]; format: 'text' | 'json' }) => {
      const loaded = loadConfig(opts.config);
      const where = statePath(loaded?.config, loaded?.dir ?? '.', opts.state);
      if (!existsSync(where)) {
        process.stderr.write(`firebreak: no state store at ${where}: no run has delivered anything from here yet\n`);
        process.exitCode = opts.drop === undefined ? 0 : 2;
        return;
      }
      process.exitCode = runDeliveries(openLedger(where, log), { format: opts.format, drop: opts.drop ?? [], where }, process);
    });

  const addResponseOptions = (command: Command): Command =>
    command
      .option('--config <file>', `configuration file: routes and the response: policy (default: ${DEFAULT_CONFIG} when present)`)
      .option('--state <file>', 'the state store holding executions and approvals (default: .firebreak/firebreak.sqlite beside the configuration)')
      .option('--endpoint-url <url>', "send every AWS call to this URL, like the AWS CLI's --endpoint-url");
  /** Runs `fn` with the engine the flags describe, closing it after. */
  const withResponse = async (opts: ResponseFlags, fn: (setup: ReturnType<typeof setupResponse>) => Promise<number>): Promise<void> => {
    const setup = setupResponse(loadConfig(opts.config), opts, log);
    try {
      process.exitCode = await fn(setup);
    } finally {
      setup.close();
    }
  };

  const planCommand = program
    .command('plan')
    .description('triage findings, then plan every proposed action with read-only AWS calls: before, the exact calls, after, and the decision')
    .argument('[files...]', 'input files; stdin when none or "-"')
    .addOption(new Option('-f, --format <format>', 'plans for people, or one JSON line per (finding, action, target)').choices(['text', 'json']).default('text'));
  addAnalystOptions(addResponseOptions(planCommand))
    .addHelpText('after', '\nNothing is changed. Exit status: 0 every plan was made, 2 some were refused (target gone, access denied, protected, notify-only) or input was rejected.\nSee docs/response.md.')
    .action(async (files: string[], opts: ResponseFlags & AnalystFlags & { format: 'json' | 'text' }) => {
      const analyst = await buildAnalyst(opts, log);
      await withResponse(opts, (setup) => runPlan(files, { format: opts.format, analyst, setup }, process));
    });

  const actCommand = program
    .command('act')
    .description('execute the proposed actions of the findings: plan, approve (--yes or on a terminal), execute, verify; one JSON line per action')
    .argument('[files...]', 'input files; stdin when none or "-"')
    .option('--action <name>', 'only this action (e.g. ec2:isolate-instance)')
    .option('--target <id>', 'only this target (e.g. i-0123456789abcdef0)')
    .option('--yes', 'approve every selected action without asking')
    .option('--update-findings', 'write Workflow.Status RESOLVED and a note back to Security Hub after a verified remediation');
  addAnalystOptions(addResponseOptions(actCommand))
    .addHelpText('after', '\nEach (finding, action, target) runs at most once: a repeat answers "duplicate" with the first execution id.\nExit status: 0 all succeeded or already done, 2 some refused or declined, 1 some failed (what they changed was undone).\nSee docs/response.md.')
    .action(async (files: string[], opts: ResponseFlags & AnalystFlags & { action?: string; target?: string; yes?: boolean }) => {
      const analyst = await buildAnalyst(opts, log);
      await withResponse(opts, (setup) => runAct(files, { analyst, setup, yes: opts.yes === true, ...(opts.action === undefined ? {} : { action: opts.action }), ...(opts.target === undefined ? {} : { target: opts.target }) }, process));
    });

  addResponseOptions(program.command('rollback').description('restore the recorded before-state of an execution').argument('<execution>', 'the execution id (see firebreak executions)').option('--yes', 'roll back without asking'))
    .addHelpText('after', '\nPrints {"execution", "status": "rolled-back"|"failed"|"not-reversible", "reason"}. Exit status: 0 rolled back, 1 failed, 2 not reversible, unknown or not confirmed.')
    .action(async (id: string, opts: ResponseFlags & { yes?: boolean }) => {
      await withResponse(opts, (setup) => runRollback(id, { setup, yes: opts.yes === true }, process));
    });

  program
    .command('executions')
    .description('the audit trail: every execution with who approved it, its plan, before, after, verification and rollback')
    .option('--config <file>', `configuration file (default: ${DEFAULT_CONFIG} when present)`)
    .option('--state <file>', 'the state store (default: .firebreak/firebreak.sqlite beside the configuration)')
    .addOption(new Option('-f, --format <format>', 'lines for people or JSON Lines').choices(['text', 'json']).default('text'))
    .action((opts: { config?: string; state?: string; format: 'json' | 'text' }) => {
      const loaded = loadConfig(opts.config);
      const where = statePath(loaded?.config, loaded?.dir ?? '.', opts.state);
      if (!existsSync(where)) {
        process.stderr.write(`firebreak: no state store at ${where}: nothing has been executed from here yet\n`);
        return;
      }
      const executions = new SqliteExecutionLog(openState(where, log));
      try {
        process.exitCode = runExecutions(executions, opts.format, process);
      } finally {
        executions.close();
      }
    });

  program
    .command('iam-policy')
    .description('print the IAM policy document the response actions need, built from the permissions each declares')
    .option('--actions <names>', 'comma-separated action names (default: every action)')
    .option('--config <file>', `configuration file: adds sts:AssumeRole for response.assumeRole and Security Hub write-back for response.updateFindings (default: ${DEFAULT_CONFIG} when present)`)
    .action((opts: { actions?: string; config?: string }) => {
      const response = loadConfig(opts.config)?.config.response;
      const names = (opts.actions ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '');
      try {
        const doc = iamPolicy(names, { ...(response?.assumeRole === undefined ? {} : { assumeRole: response.assumeRole.name }), updateFindings: response?.updateFindings === true });
        process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      } catch (err) {
        if (!(err instanceof UnknownActionError)) throw err;
        process.stderr.write(`firebreak: --actions: ${err.message}\n`);
        process.exitCode = 2;
      }
    });

  program
    .command('test-pattern')
    .description('test an EventBridge event pattern against one event, like `aws events test-event-pattern`')
    .requiredOption('--pattern <json>', 'the event pattern, as JSON text or @file')
    .requiredOption('--event <json>', 'the event, as JSON text or @file')
    .addHelpText('after', '\nPrints {"Result": true} or {"Result": false}. An invalid pattern prints {"error": {...}} and exits 2.\nMatching follows Amazon EventBridge exactly (see docs/routing.md).')
    .action((opts: { pattern: string; event: string }) => {
      process.exitCode = runTestPattern(opts.pattern, opts.event, process);
    });

  program
    .command('match')
    .description('which of my EventBridge rules does each event hit? One {"rules": [...]} line per input event')
    .requiredOption('--rules <file>', 'JSON object of rule names to event patterns: {"rule-name": {...pattern...}, ...}')
    .argument('[events...]', 'input files (JSON, JSON arrays, JSON Lines or gzip); stdin when none or "-"')
    .addHelpText('after', '\nExit status: 0 all events matched, 2 an invalid pattern (nothing is matched) or some input rejected, 1 failure of the tool.')
    .action(async (files: string[], opts: { rules: string }) => {
      process.exitCode = await runMatch(opts.rules, files, process);
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
    .command('catalog')
    .description('show what the offline playbook catalog covers: every GuardDuty finding type and Security Hub control, with counts')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(new Option('--source <source>', 'only one source').choices(['guardduty', 'securityhub']))
    .option('--list', 'list every type and control with the playbook that covers it')
    .option('--missing', 'list only the types and controls no playbook covers')
    .action((opts: { format: 'text' | 'json'; source?: 'guardduty' | 'securityhub'; list?: boolean; missing?: boolean }) => {
      process.stdout.write(runCatalog({ format: opts.format, list: opts.list === true, missing: opts.missing === true, ...(opts.source === undefined ? {} : { source: opts.source }) }));
    });

  program
    .command('demo')
    .description('triage a bundled set of realistic sample findings offline and print the report')
    .addOption(formatOption())
    .action(async (opts: { format: Format }) => {
      const text = demoEvents().map((e) => JSON.stringify(e)).join('\n');
      process.exitCode = await runTriageItems(readStream(Readable.from([text]), 'demo'), { format: opts.format }, process);
    });

  // A mistake in a command's options points at that command's help, where its options are listed.
  for (const command of program.commands) command.showHelpAfterError(`(run "firebreak ${command.name()} --help" for its options)`);
  return program;
}
