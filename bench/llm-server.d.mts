// Types for llm-server.mjs, for the TypeScript tests that use it.
/* eslint-disable @typescript-eslint/no-explicit-any -- the request bodies and answers are free-form JSON the tests inspect */
export type Protocol = 'openai' | 'anthropic' | 'bedrock';
export interface RequestContext {
  model: string;
  system: string;
  user: string;
  toolName?: string;
  schema?: Record<string, unknown>;
  n: number;
  /** Input tokens the server reported as read from its prompt cache. */
  cachedTokens: number;
  /** Input tokens the server reported as written to its prompt cache (Anthropic, Bedrock). */
  cacheWriteTokens: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, any>;
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
export function findingOf(user: string): Record<string, any> | undefined;
export function allowedOf(user: string): { action: string; kind: string }[];
export function simulatedModel(user: string): Record<string, any>;
export function schemaModel(schema: unknown): any;
