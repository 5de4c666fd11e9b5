/** What analysts produce: the explanation, steps, IaC fix and proposed actions for one finding. */
import type { Finding } from '../findings/model.js';
import type { Risk } from '../response/registry.js';

/** Where a step sits in the response. */
export type StepPhase = 'investigate' | 'contain' | 'remediate' | 'prevent';

/** One step a person takes, with exact commands where there are any. */
export interface Step {
  phase: StepPhase;
  title: string;
  detail: string;
  commands: string[];
}

/** An action the analyst proposes; the target always comes from the finding's structured resource ids. */
export interface ProposedAction {
  action: string;
  target: string;
  risk: Risk;
  /** Why this action, in one line. */
  reason: string;
}

/** An infrastructure-as-code fix: self-contained snippets that parse on their own. */
export interface IacFix {
  terraform?: string;
  cloudformation?: string;
  /** Why a snippet is missing: CloudFormation has no resource for it, or no configuration fixes it. */
  note?: string;
}

/** The result of analysing one finding. */
export interface Analysis {
  analyst: 'playbook' | 'llm' | 'hybrid';
  /**
   * `resolved` when the finding reports its own resolution (then there are no actions and
   * `statusReason` says why); `active` otherwise. Set by the pipeline for every analyst.
   */
  status?: 'active' | 'resolved';
  statusReason?: string;
  /** The playbook that answered, or null for the generic analysis. */
  playbookId: string | null;
  summary: string;
  impact: string;
  /** How to tell a false positive: common benign explanations. */
  falsePositives: string[];
  steps: Step[];
  iac?: IacFix;
  actions: ProposedAction[];
  references: string[];
  /** MITRE ATT&CK technique ids for threat findings. */
  mitre: string[];
  /** 0–1: how sure the analyst is that this explanation fits the finding. */
  confidence: number;
  /** LLM and hybrid analyses (also when the playbook answered instead): the model asked. */
  model?: string;
  /** Tokens this analysis spent; `cached` when the answer came from the cache. */
  usage?: AnalysisUsage;
  /** Null, or why the playbook analyst answered instead of the model. */
  fallback?: string | null;
  /** Proposals dropped by validation: unknown action, ungrounded target, policy. */
  rejected?: RejectedProposal[];
}

/** Token usage and estimated cost of one LLM analysis. */
export interface AnalysisUsage {
  inputTokens: number;
  outputTokens: number;
  /** Of the input tokens, those read from the provider's prompt cache. */
  cachedInputTokens?: number;
  cached: boolean;
  /** Estimated US dollars, or null when the model's price is unknown. */
  costUsd: number | null;
}

/** A model proposal dropped by validation. */
export interface RejectedProposal {
  action: string;
  target: string;
  reason: string;
}

/** Anything that analyses findings. */
export interface Analyst {
  readonly name: Analysis['analyst'];
  analyze(finding: Finding): Promise<Analysis>;
  /** The same analysis without a promise, for analysts that never wait (the playbook analyst). */
  analyzeSync?(finding: Finding): Analysis;
}
