/**
 * The action registry: every remediation action keyed by its `service:verb-object` name. Asking
 * for an unknown name fails with the list of valid ones.
 */
import { ec2InstanceActions } from './actions/ec2.js';
import { iamActions } from './actions/iam.js';
import { blockIpNacl, revokePublicIngress } from './actions/network.js';
import { otherActions } from './actions/others.js';
import { s3Actions } from './actions/s3.js';
import type { ActionDefinition } from './actions/types.js';

export type { ActionDeclaration, ActionDefinition, Risk, TargetKind } from './actions/types.js';

const REGISTRY: ReadonlyMap<string, ActionDefinition> = new Map(
  [...ec2InstanceActions, revokePublicIngress as ActionDefinition, blockIpNacl as ActionDefinition, ...iamActions, ...s3Actions, ...otherActions].map((a) => [a.name, a] as const),
);

/** Raised for an action name that is not in the registry. */
export class UnknownActionError extends Error {
  readonly code = 'UnknownAction';
  constructor(name: string) {
    super(`unknown action ${JSON.stringify(name)}; valid actions: ${[...REGISTRY.keys()].join(', ')}`);
    this.name = 'UnknownActionError';
  }
}

/** All registered actions, in declaration order. */
export function listActions(): ActionDefinition[] {
  return [...REGISTRY.values()];
}

/** The action named `name`, or undefined. */
export function findAction(name: string): ActionDefinition | undefined {
  return REGISTRY.get(name);
}

/** The action named `name`; throws `UnknownActionError` listing the valid names otherwise. */
export function getAction(name: string): ActionDefinition {
  const action = REGISTRY.get(name);
  if (action === undefined) throw new UnknownActionError(name);
  return action;
}
