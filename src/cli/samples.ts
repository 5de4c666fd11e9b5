/** `firebreak samples` and `firebreak demo`: realistic sample events for demos and tests. */
import { loadCatalog } from '../analysis/playbooks/catalog.js';
import { knownControlFinding, knownControls, knownTypes } from '../analysis/playbooks/coverage.js';
import { closest } from '../util/closest.js';
import { demoEvents, guardDutyEvent, securityHubEvent, sourceSamples, type SampleOptions } from '../findings/samples.js';

/** Options of `firebreak samples`. */
export interface SamplesRequest {
  types: string[];
  controls: string[];
  all: boolean;
  options: SampleOptions;
}

const GUARDDUTY_TYPE = /^[A-Za-z]+:[A-Za-z0-9]+\/[A-Za-z0-9.!&_-]+$/;
const CONTROL_ID = /^[A-Za-z0-9]+\.\d+$/;

/** Throws for the first of `names` that is not in `known`, with the closest known names. */
function unknownNames(option: string, names: readonly string[], known: readonly string[], what: string): void {
  const set = new Set(known);
  for (const name of names) {
    if (set.has(name)) continue;
    const near = closest(name, known);
    throw new Error(`${option} ${JSON.stringify(name)} is not a ${what} firebreak knows; the closest are: ${near.join(', ')} (\`firebreak catalog --list\` lists them all)`);
  }
}

/** The sample events for a request; throws with a clear message for a malformed type or control. */
export function sampleEvents(req: SamplesRequest): Record<string, unknown>[] {
  for (const t of req.types) {
    if (!GUARDDUTY_TYPE.test(t)) throw new Error(`--type ${JSON.stringify(t)} is not a GuardDuty finding type (for example UnauthorizedAccess:EC2/SSHBruteForce)`);
  }
  for (const c of req.controls) {
    if (!CONTROL_ID.test(c)) throw new Error(`--control ${JSON.stringify(c)} is not a Security Hub control id (for example EC2.18)`);
  }
  unknownNames('--type', req.types, knownTypes().map((t) => t.type), 'GuardDuty finding type');
  unknownNames('--control', req.controls, knownControls().map((c) => c.id), 'Security Hub control');
  const events: Record<string, unknown>[] = [];
  let types = req.types;
  let controls = req.controls;
  if (req.all) {
    const catalog = loadCatalog();
    const covered = (type: string): boolean => catalog.resolve({ type }) !== undefined;
    types = [...new Set([...types, ...knownTypes().filter((t) => t.status !== 'retired' && covered(t.type)).map((t) => t.type)])];
    controls = [...new Set([...controls, ...knownControls().filter((c) => covered(c.id)).map((c) => c.id)])];
    events.push(...demoEvents(req.options), ...sourceSamples(req.options));
  } else if (types.length === 0 && controls.length === 0) {
    return demoEvents(req.options);
  }
  for (const t of types) events.push(guardDutyEvent(t, req.options));
  // Security Hub's BatchImportFindings takes at most 100 findings per call; events carry as many.
  for (let i = 0; i < controls.length; i += 100) events.push(securityHubEvent(controls.slice(i, i + 100).map((id) => knownControlFinding(id, req.options)), req.options));
  return events;
}
