/**
 * Attacker-controlled input, end to end through the built CLI: values that are also JavaScript
 * property names in every field that is looked up by value; documents built to exhaust memory
 * (an ocean of whitespace inside an array, a gzip bomb of one huge document); gzip followed by
 * trailing bytes. Every valid record around a hostile one is still triaged, nothing crashes, and
 * peak memory stays under 300 MB.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, createWriteStream, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGzip, gzipSync } from 'node:zlib';
import { finished } from 'node:stream/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { controlFinding, guardDutyEvent, ocsfEvent, securityHubEvent } from '../../src/findings/samples.js';
import { configEvent, inspectorEvent, macieEvent } from '../../src/findings/source-samples.js';
import { CLI, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'firebreak-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MAGIC = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'];
type Json = Record<string, any>;
const clone = (o: Json): Json => JSON.parse(JSON.stringify(o)) as Json;
const VALID = guardDutyEvent('Recon:EC2/PortProbeUnprotectedPort', { variant: 1 });

/** Records whose looked-up-by-value fields hold JavaScript property names. */
function hostileRecords(): Json[] {
  const out: Json[] = [];
  for (const m of MAGIC) {
    out.push({ ...VALID, 'detail-type': m }, { ...VALID, source: m }, guardDutyEvent(m));
    const gd = clone(VALID);
    gd.detail.resource.resourceType = m;
    gd.detail.service.action.actionType = m;
    gd.detail.region = m;
    gd.detail.resource.instanceDetails.tags = [{ key: m, value: m }];
    out.push(gd);
    const control = clone(controlFinding('S3.8'));
    control.Compliance.SecurityControlId = m;
    control.ProductFields = { ControlId: m, RuleId: m, StandardsArn: m };
    control.Resources[0].Type = m;
    control.Types = [m];
    control.Workflow = { Status: m };
    out.push(securityHubEvent([control]));
    const product = clone(controlFinding('S3.8'));
    product.ProductArn = `arn:aws:securityhub:us-east-1::product/aws/${m}`;
    delete product.ProductName;
    delete product.ProductFields;
    out.push(securityHubEvent([product]));
    const ocsf = clone(ocsfEvent());
    ocsf.detail.findings[0].finding_info.types = [m];
    ocsf.detail.findings[0].status = m;
    out.push(ocsf);
    const inspector = clone(inspectorEvent());
    inspector.detail.type = m;
    inspector.detail.resources[0].type = m;
    out.push(inspector);
    const macie = clone(macieEvent());
    macie.detail.type = m;
    out.push(macie);
    const config = clone(configEvent());
    config.detail.configRuleName = m;
    config.detail.resourceType = m;
    out.push(config);
  }
  return out;
}

describe('hostile values in looked-up fields', () => {
  const records = hostileRecords();
  const file = join(dir, 'hostile.jsonl');
  writeFileSync(file, `${records.flatMap((r) => [JSON.stringify(VALID), JSON.stringify(r)]).join('\n')}\n${JSON.stringify(VALID)}\n`);

  it('never aborts the run: every valid record around them is triaged, each hostile one is a finding or a coded error', () => {
    for (const format of ['json', 'text', 'markdown']) {
      const r = runCli(['triage', file, '--format', format]);
      expect(r.stderr, format).not.toMatch(/TypeError|is not a function|at .*\.js:\d+/);
      expect([0, 2], format).toContain(r.status);
    }
    const r = runCli(['triage', file, '--format', 'json']);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Json);
    expect(lines).toHaveLength(records.length * 2 + 1);
    const valid = lines.filter((l, i) => i % 2 === 0);
    for (const l of valid) expect(l.finding?.type).toBe('Recon:EC2/PortProbeUnprotectedPort');
    for (const l of lines.filter((_, i) => i % 2 === 1)) {
      if (l.error !== undefined) expect(l.error.code).toMatch(/^(UnsupportedEvent|UnsupportedRecord|MissingField|InvalidField)$/);
      else expect(typeof l.finding.product).toBe('string');
    }
  });

  it('routes and renders them with a config, every route and channel kind included', () => {
    const config = join(dir, 'firebreak.yaml');
    writeFileSync(
      config,
      [
        'version: 1',
        'channels:',
        '  hook: { type: webhook, url: "http://127.0.0.1:9/hook" }',
        '  mail: { type: email, smtp: { host: 127.0.0.1, port: 2525 }, from: "fb <fb@example.com>", to: [sec@example.com] }',
        'routes:',
        '  - name: everything',
        '    pattern: { source: [{ prefix: "" }], detail: { type: [{ wildcard: "*o*" }, { anything-but: "x" }] } }',
        '    channels: [hook, mail]',
      ].join('\n'),
    );
    const r = runCli(['triage', file, '--config', config, '--notify', '--outbox', join(dir, 'outbox'), '--state', join(dir, 'state'), '--format', 'json']);
    expect(r.stderr).not.toMatch(/TypeError|is not a function/);
    expect(r.stdout.trim().split('\n')).toHaveLength(records.length * 2 + 1);
  });
});

/** Runs the CLI with the RSS reporter preloaded; returns its output and peak RSS in MiB. */
function measured(args: string[]): { status: number | null; stdout: string; stderr: string; rssMb: number } {
  const rssFile = join(dir, `rss-${Math.random().toString(36).slice(2)}`);
  const r = spawnSync(process.execPath, ['--require', fileURLToPath(new URL('../helpers/report-rss.cjs', import.meta.url)), CLI, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1', FIREBREAK_TEST_RSS_FILE: rssFile },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, rssMb: Number(readFileSync(rssFile, 'utf8')) };
}

describe('nothing an attacker writes reaches a terminal raw', () => {
  // An OSC 8 hyperlink, a screen clear, a carriage return, a bidi override, invisible characters, a C1 control.
  const P = '\u001b]8;;h\u0007L\u001b]8;;\u0007\u001b[2J\r\u202e\u200b\u2060\u0085';
  // A line break that would start a Markdown table row and a heading.
  const BREAK = 'x\n| injected | row |\n# Heading';
  const records: Json[] = [];
  for (const v of [P, BREAK]) {
    const gd = clone(VALID);
    gd.detail.region = `eu${v}`.slice(0, 32);
    gd.detail.resource.resourceType = `Instance${v}`;
    gd.detail.title = `Title${v}`;
    gd.detail.description = `Description${v}`;
    gd.detail.resource.instanceDetails.tags = [{ key: `k${v}`, value: `v${v}` }];
    records.push(gd);
    const typed = clone(VALID);
    typed.detail.type = `Recon:EC2/PortProbe${v}`;
    records.push(typed);
    const control = clone(controlFinding('S3.8'));
    control.Region = `us${v}`.slice(0, 16);
    control.Resources[0].Type = `AwsS3Bucket${v}`;
    control.Resources[0].Id = `arn:aws:s3:::bucket${v}`;
    control.Title = `Title${v}`;
    control.Remediation = { Recommendation: { Text: `Fix${v}`, Url: `https://docs.example/${v}` } };
    records.push(securityHubEvent([control]));
    const unknown = clone(controlFinding('S3.8'));
    unknown.Compliance.SecurityControlId = `S3.${v}`.slice(0, 64);
    unknown.ProductFields = { ControlId: `S3.${v}` };
    unknown.Remediation = { Recommendation: { Text: `Fix${v}`, Url: `https://docs.example/${v}` } };
    records.push(securityHubEvent([unknown]));
    const config = clone(configEvent());
    config.detail.configRuleName = `rule${v}`;
    config.detail.resourceType = `AWS::S3::Bucket${v}`;
    config.detail.awsRegion = `us${v}`.slice(0, 32);
    records.push(config);
    const inspector = clone(inspectorEvent());
    inspector.detail.title = `CVE${v}`;
    inspector.detail.resources[0].type = `AWS_EC2_INSTANCE${v}`;
    records.push(inspector);
    const macie = clone(macieEvent());
    macie.detail.type = `SensitiveData:S3Object/Personal${v}`;
    records.push(macie);
    const ocsf = clone(ocsfEvent());
    ocsf.detail.findings[0].finding_info.types = [`Type${v}`];
    ocsf.detail.findings[0].finding_info.title = `Title${v}`;
    records.push(ocsf);
  }
  const file = join(dir, 'controls.jsonl');
  writeFileSync(file, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
  // C0 but newline, DEL, C1, bidi, zero-width and invisible characters.
  // eslint-disable-next-line no-control-regex -- asserting control characters are gone
  const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069]/;

  it('text and Markdown carry no control, bidi or invisible character from any field of any source', () => {
    for (const format of ['text', 'markdown']) {
      const r = runCli(['triage', file, '--format', format]);
      expect([0, 2], format).toContain(r.status);
      const bad = r.stdout.split('\n').filter((l) => RAW.test(l));
      expect(bad, format).toEqual([]);
      expect(r.stderr, format).not.toMatch(RAW);
      // Every record was shown: as a finding, or as a coded rejection.
      const shown = format === 'text' ? r.stdout.match(/^(■|✖ rejected)/gm) : r.stdout.match(/^(## |> \*\*Rejected input)/gm);
      expect(shown?.length, format).toBe(records.length);
    }
  });

  it('a line break in a field cannot start a Markdown table row or heading', () => {
    const r = runCli(['triage', file, '--format', 'markdown']);
    const lines = r.stdout.split('\n');
    expect(lines.filter((l) => /^#+ Heading/.test(l) || /^\| injected/.test(l))).toEqual([]);
    // Inside a table, every row is one line that opens and closes the row.
    let inTable = false;
    for (const l of lines) {
      if (l.startsWith('| |')) inTable = true;
      else if (inTable && l === '') inTable = false;
      else if (inTable) expect(l, l).toMatch(/^\|.*\|$/);
    }
  });
});

describe('secrets in finding content never leave', () => {
  const SECRETS = {
    sts: 'AQoDYXdzEJr1K2pM4U8tZ6FQ3uKDWh8j9kZxY2f1PnbW3GxU8L4sJYvqk5ZxQ8yUoKqD',
    slack: 'T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx',
    db: 'Tr0ub4dor-and-3',
    arg: 'hunter2hunter2',
    encoded: 'bPxRfiCYEXAMPLEKEY',
    joined: 'K7MDENGbPxRfiCYEXAMPLE',
    pgp: 'lQOYBGZ3example',
  };
  const text = [
    `token ${SECRETS.sts}`,
    `hook https://hooks.slack.com/services/${SECRETS.slack}`,
    `DB_PASSWORD=${SECRETS.db}`,
    `mysql --password ${SECRETS.arg}`,
    `cb?key=wJalrXUtnFEMI%2FK7MDENG%2F${SECRETS.encoded}`,
    `key wJalrXUtnFEMI/K7MDEN\u2060G/bPxRfiCYEXAMPLEKEY`,
    `-----BEGIN PGP PRIVATE KEY BLOCK-----\n${SECRETS.pgp}\n-----END PGP PRIVATE KEY BLOCK-----`,
  ].join(' ; ');
  const gd = clone(VALID);
  gd.detail.title = text.slice(0, 2000);
  gd.detail.description = text;
  gd.detail.resource.instanceDetails.tags = [{ key: 'env', value: `DB_PASSWORD=${SECRETS.db}` }];
  gd.detail.service.action.awsApiCallAction = { api: 'GetObject', userAgent: `curl --password ${SECRETS.arg}` };
  const control = clone(controlFinding('S3.8'));
  control.Description = text.slice(0, 1024);
  control.Remediation = { Recommendation: { Text: `use ${SECRETS.sts.slice(0, 60)}`, Url: 'https://docs.example/fix' } };
  // A rejected record whose message quotes the bad value.
  const rejected = clone(VALID);
  rejected.detail.updatedAt = `DB_PASSWORD=${SECRETS.db}`;
  const file = join(dir, 'secrets.jsonl');
  writeFileSync(file, `${[gd, securityHubEvent([control]), rejected].map((r) => JSON.stringify(r)).join('\n')}\n`);

  it('are redacted in json, text and Markdown output and in rejection messages', () => {
    for (const format of ['json', 'text', 'markdown']) {
      const r = runCli(['triage', file, '--format', format]);
      expect(r.status, format).toBe(2);
      for (const [name, secret] of Object.entries(SECRETS)) {
        expect(r.stdout, `${format}: ${name}`).not.toContain(secret);
        expect(r.stderr, `${format}: ${name}`).not.toContain(secret);
      }
      expect(r.stdout.replace(/\\(?=[[\]])/g, ''), format).toContain('[redacted]');
    }
    const lines = runCli(['triage', file, '--format', 'json']).stdout.trim().split('\n').map((l) => JSON.parse(l) as Json);
    expect(lines.map((l) => (l.error === undefined ? 'finding' : l.error.code))).toEqual(['finding', 'finding', 'InvalidField']);
    expect(lines[2]?.error.message).toContain('updatedAt');
  });
});

describe('memory is bounded whatever the document', () => {
  it('an array opening onto 20 MB of whitespace lines: the records in it are read, under 300 MB', () => {
    const file = join(dir, 'ocean.json');
    const fd = openSync(file, 'w');
    const ws = Buffer.alloc(1024 * 1024, ' \n');
    writeSync(fd, '[');
    for (let i = 0; i < 20; i += 1) writeSync(fd, ws);
    writeSync(fd, `${JSON.stringify(VALID)},`);
    for (let i = 0; i < 20; i += 1) writeSync(fd, ws);
    writeSync(fd, `${JSON.stringify(VALID)}]`);
    closeSync(fd);
    const r = measured(['triage', file, '--format', 'json']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(r.rssMb).toBeLessThan(300);
  }, 60_000);

  it('a small gzip that inflates to one 300 MB document: a coded error, then the next record, under 300 MB', async () => {
    const file = join(dir, 'bomb.json.gz');
    const gz = createGzip({ level: 9 });
    const sink = createWriteStream(file);
    gz.pipe(sink);
    gz.write('{\n"detail-type": "GuardDuty Finding", "padding": "');
    const block = Buffer.alloc(4 * 1024 * 1024, 'a');
    for (let i = 0; i < 75; i += 1) if (!gz.write(block)) await new Promise((r) => gz.once('drain', r));
    gz.end(`"}\n${JSON.stringify(VALID)}\n`);
    await finished(sink);
    expect(readFileSync(file).length).toBeLessThan(1024 * 1024);
    const r = measured(['triage', file, '--format', 'json']);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Json);
    expect(lines.map((l) => l.error?.code ?? l.finding?.type)).toEqual(['RecordTooLarge', 'Recon:EC2/PortProbeUnprotectedPort']);
    expect(r.rssMb).toBeLessThan(300);
  }, 60_000);
});

describe('gzip read like zcat', () => {
  it('a member followed by trailing bytes yields all of its records, then a CorruptInput notice', () => {
    const events = Array.from({ length: 12 }, (_, i) => guardDutyEvent('Recon:EC2/PortProbeUnprotectedPort', { variant: 100 + i }));
    const file = join(dir, 'trailing.jsonl.gz');
    writeFileSync(file, Buffer.concat([gzipSync(events.map((e) => JSON.stringify(e)).join('\n')), Buffer.from('trailing bytes that are not gzip\n')]));
    const r = runCli(['triage', file, '--format', 'json']);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Json);
    expect(lines.filter((l) => l.finding !== undefined)).toHaveLength(12);
    expect(lines.at(-1)?.error?.code).toBe('CorruptInput');
    expect(r.status).toBe(2);
  });
});
