/**
 * Playbooks that serve a family of controls fill in what differs per control and per finding:
 * the CIS CloudWatch alarms carry each control's own filter pattern through every context
 * (command, Terraform, CloudFormation), and the tagging playbook names the tag keys the finding's
 * control parameters require, quoted where they land.
 */
import { parse as parseHcl } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { PlaybookAnalyst } from '../../src/analysis/playbooks/analyst.js';
import { knownControlFinding } from '../../src/analysis/playbooks/coverage.js';
import { metricFilterOf } from '../../src/analysis/playbooks/metric-filters.js';
import type { Analysis } from '../../src/analysis/types.js';
import { securityHubEvent } from '../../src/findings/samples.js';
import { normalizeOne } from '../helpers/findings.js';
import { shellProblem, shellWords } from '../helpers/shell.js';

const analyst = new PlaybookAnalyst();

function analyze(record: Record<string, unknown>): Analysis {
  return analyst.analyzeSync(normalizeOne(securityHubEvent([record])));
}

function commandStarting(a: Analysis, prefix: string): string[] {
  const cmd = a.steps.flatMap((s) => s.commands).find((c) => c.startsWith(prefix));
  expect(cmd, prefix).toBeDefined();
  expect(shellProblem(cmd ?? '')).toBeUndefined();
  return shellWords(cmd ?? '');
}

const cfnTags = ['!Ref', '!Sub', '!GetAtt'].map((tag) => ({ tag, resolve: (v: string) => v }));

describe('CIS CloudWatch alarms: one playbook, each control its own filter', () => {
  const ids = Array.from({ length: 14 }, (_, i) => `CloudWatch.${i + 1}`);

  it.each(ids)('%s: the command, Terraform and CloudFormation carry its exact pattern', async (id) => {
    const filter = metricFilterOf(id);
    expect(filter).toBeDefined();
    const a = analyze(knownControlFinding(id));
    expect(a.playbookId).toBe('control-cloudwatch-cis-alarms');
    expect(a.summary).toContain(filter?.watches);
    expect(a.references[0]).toBe(`https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-${id.split('.')[1] ?? ''}`);
    const words = commandStarting(a, 'aws logs put-metric-filter');
    expect(words[words.indexOf('--filter-pattern') + 1]).toBe(filter?.pattern);
    expect(words[words.indexOf('--filter-name') + 1]).toBe(filter?.name);
    const hcl = (await parseHcl('cis.tf', a.iac?.terraform ?? '')) as { resource: { aws_cloudwatch_log_metric_filter: { cis: { pattern: string }[] } } };
    expect(hcl.resource.aws_cloudwatch_log_metric_filter.cis[0]?.pattern).toBe(filter?.pattern);
    const cfn = parseYaml(a.iac?.cloudformation ?? '', { customTags: cfnTags }) as { Resources: { CisMetricFilter: { Properties: { FilterPattern: string } } } };
    expect(cfn.Resources.CisMetricFilter.Properties.FilterPattern).toBe(filter?.pattern);
  });

  it('the longest patterns are kept whole, not cut at the 256 characters a finding value gets', () => {
    const longest = ids.map((id) => metricFilterOf(id)?.pattern ?? '').sort((x, y) => y.length - x.length)[0] ?? '';
    expect(longest.length).toBeGreaterThan(400);
  });

  it('a CIS v1.2.0 finding (rule 3.4, no consolidated id) gets the IAM policy change filter', () => {
    const record = knownControlFinding('CloudWatch.4') as { Compliance: Record<string, unknown>; ProductFields: Record<string, string>; GeneratorId: string };
    delete record.Compliance.SecurityControlId;
    record.GeneratorId = 'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/3.4';
    record.ProductFields.StandardsArn = 'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0';
    record.ProductFields.RuleId = '3.4';
    const words = commandStarting(analyze(record), 'aws logs put-metric-filter');
    expect(words[words.indexOf('--filter-pattern') + 1]).toContain('($.eventName=DeleteGroupPolicy)');
  });
});

describe('tagging controls: one playbook naming the required keys', () => {
  const withKeys = (id: string, keys: unknown): Record<string, unknown> => {
    const record = knownControlFinding(id) as { Compliance: Record<string, unknown> };
    record.Compliance.SecurityControlParameters = keys;
    return record;
  };

  it('names the keys of the requiredTagKeys parameter in the summary, the tag command and Terraform', async () => {
    const a = analyze(withKeys('EC2.38', [{ Name: 'requiredTagKeys', Value: ['CostCenter', 'Owner'] }]));
    expect(a.playbookId).toBe('control-tagging');
    expect(a.summary).toContain('requires: CostCenter, Owner.');
    expect(a.summary).toMatch(/^AwsEc2Instance arn:aws:ec2:us-east-1:123456789012:instance\/i-[0-9a-f]{17} /);
    const words = commandStarting(a, 'aws resourcegroupstaggingapi tag-resources');
    expect(words[words.indexOf('--tags') + 1]).toBe('CostCenter=VALUE,Owner=VALUE');
    expect(words[words.indexOf('--resource-arn-list') + 1]).toMatch(/^arn:aws:ec2:.*:instance\/i-/);
    const hcl = (await parseHcl('tags.tf', a.iac?.terraform ?? '')) as { locals: { required_tag_keys: string }[] };
    expect(hcl.locals[0]?.required_tag_keys).toBe('${split(",", "CostCenter,Owner")}');
    expect(a.references[0]).toBe('https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-38');
  });

  it('without the parameter it says any tag passes and suggests common keys', () => {
    const a = analyze(knownControlFinding('Lambda.6'));
    expect(a.summary).toContain('has no tags of its own');
    const words = commandStarting(a, 'aws resourcegroupstaggingapi tag-resources');
    expect(words[words.indexOf('--tags') + 1]).toBe('Owner=TEAM,CostCenter=CODE');
    expect(a.iac?.terraform).toContain('split(",", "Owner,CostCenter")');
  });

  it('hostile tag keys stay one quoted word in commands and one string in Terraform; malformed parameters are dropped', async () => {
    const hostile = "x'; rm -rf / #$(id)";
    const a = analyze(withKeys('SQS.2', [{ Name: 'requiredTagKeys', Value: [hostile, 'Team'] }, { Name: 'bad name!', Value: ['x'] }, 'junk', { Name: 'other' }]));
    const words = commandStarting(a, 'aws resourcegroupstaggingapi tag-resources');
    expect(words[words.indexOf('--tags') + 1]).toBe(`${hostile}=VALUE,Team=VALUE`);
    const hcl = (await parseHcl('tags.tf', a.iac?.terraform ?? '')) as { locals: { required_tag_keys: string }[] };
    expect(hcl.locals[0]?.required_tag_keys).toContain(hostile);
    // A parameters field that is not a list at all does not cost the finding.
    expect(analyze(withKeys('SQS.2', 'not a list')).summary).toContain('has no tags of its own');
  });
});
