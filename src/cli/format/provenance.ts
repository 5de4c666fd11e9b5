/** Who answered, in words: the playbook, the model (cached or not), or the playbook after a fallback. */
import type { Analysis } from '../../analysis/types.js';

export function provenance(a: Analysis): string {
  const playbook = a.playbookId === null ? 'generic analysis (no playbook)' : `playbook ${a.playbookId}`;
  const cached = a.usage?.cached === true ? ', cached' : '';
  if (a.analyst === 'llm') return `model ${a.model ?? '?'}${cached}`;
  if (a.analyst === 'hybrid') return `model ${a.model ?? '?'} grounded by ${playbook}${cached}`;
  if (a.fallback !== undefined && a.fallback !== null) return `${playbook} (model ${a.model ?? '?'} not used: ${a.fallback})`;
  return playbook;
}
