// Types for llm-server.mjs, for the TypeScript tests that use it.
export type Protocol = 'openai' | 'anthropic' | 'bedrock';
export interface RequestContext {
  model: string;
  system: string;
  user: string;
  toolName?: string;
  schema?: Record<string, unknown>;
  n: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  path: string;
}
export type Reply =
  | { answer: unknown; text?: string }
  | { text: string }
  | { rawArguments: string }
  | { status: number; message?: string; headers?: Record<string, string> }
  | { delayMs: number; then?: Reply }
  | { hangUp: true };
export interface ModelServer {
  url: string;
  requests: (RequestContext & { inputTokens: number })[];
  setResponder(fn: (ctx: RequestContext) => Reply | Promise<Reply>): void;
  close(): Promise<void>;
}
export function startModelServer(options: {
  protocol: Protocol;
  respond?: (ctx: RequestContext) => Reply | Promise<Reply>;
  countTokens?: (text: string) => number;
}): Promise<ModelServer>;
export function findingOf(user: string): any;
export function allowedOf(user: string): { action: string; kind: string; risk: string }[];
export function simulatedModel(user: string): any;
