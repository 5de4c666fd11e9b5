/**
 * AWS Config rules: the managed rule a rule name stands for, and the Security Hub control that
 * checks the same thing (`data/config-rules.tsv`, facts from the Security Hub control reference).
 * Rule names are the managed rule's name as the console gives it (`restricted-ssh`), or that name
 * inside the ones Security Hub (`securityhub-restricted-ssh-a1b2c3`) and conformance packs
 * (`restricted-ssh-conformance-pack-x1y2z3`) create.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const TABLE_FILE = fileURLToPath(new URL('../data/config-rules.tsv', import.meta.url));

let table: Map<string, string> | undefined;

function controls(): Map<string, string> {
  if (table !== undefined) return table;
  table = new Map();
  for (const line of readFileSync(TABLE_FILE, 'utf8').split('\n')) {
    if (line === '' || line.startsWith('#') || line.startsWith('config_rule\t')) continue;
    const [rule = '', control = ''] = line.split('\t');
    table.set(rule, control);
  }
  return table;
}

/** Every managed rule the table maps, with its control. */
export function configRuleControls(): ReadonlyMap<string, string> {
  return controls();
}

/** The managed rule a Config rule name stands for (lower case, without Security Hub's or a conformance pack's decoration). */
export function managedRuleOf(name: string): string {
  let rule = name.toLowerCase();
  rule = rule.replace(/-conformance-pack-[a-z0-9]+$/, '');
  if (rule.startsWith('securityhub-')) rule = rule.slice('securityhub-'.length).replace(/-(?=[a-z]*\d)[a-z0-9]{6,8}$/, '');
  return rule;
}

/** The Security Hub control a Config rule checks, or undefined. */
export function controlOfRule(name: string): string | undefined {
  return controls().get(managedRuleOf(name));
}
