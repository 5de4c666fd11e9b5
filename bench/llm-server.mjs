// A local model server speaking the real wire formats of OpenAI chat completions, the Anthropic
// Messages API and Amazon Bedrock Converse (REST, SigV4-signed requests accepted). It answers
// through a scripted responder, or by default as a simulated model that reads the prompt and
// fills in the record_analysis tool. Used by the tests and by `npm run bench:llm`.
import { createServer } from 'node:http';

const approxTokens = (text) => Math.ceil(text.length / 4);

/** The smallest prefix the providers cache (OpenAI; Claude Sonnet and Opus on Anthropic and Bedrock). */
export const CACHE_MIN_TOKENS = 1024;

/** What the request asks, independent of the wire format. */
function understand(protocol, path, body) {
  if (protocol === 'openai') {
    const system = body.messages?.find((m) => m.role === 'system')?.content ?? '';
    const user = body.messages?.filter((m) => m.role === 'user').map((m) => m.content).join('\n') ?? '';
    const tool = body.tools?.[0]?.function;
    return { model: body.model, system, user, toolName: tool?.name, toolDescription: tool?.description, schema: tool?.parameters };
  }
  if (protocol === 'anthropic') {
    const user = (body.messages ?? []).map((m) => (typeof m.content === 'string' ? m.content : m.content.map((c) => c.text ?? '').join(''))).join('\n');
    const system = typeof body.system === 'string' ? body.system : (body.system ?? []).map((s) => s.text).join('');
    const tool = body.tools?.[0];
    return { model: body.model, system, user, toolName: tool?.name, toolDescription: tool?.description, schema: tool?.input_schema };
  }
  const model = decodeURIComponent(/^\/model\/(.+)\/converse$/.exec(path)?.[1] ?? '');
  const user = (body.messages ?? []).flatMap((m) => m.content.map((c) => c.text ?? '')).join('\n');
  const system = (body.system ?? []).map((s) => s.text ?? '').join('');
  const tool = body.toolConfig?.tools?.[0]?.toolSpec;
  return { model, system, user, toolName: tool?.name, toolDescription: tool?.description, schema: tool?.inputSchema?.json };
}

/**
 * A model that reads nothing but the tool's JSON Schema: it fills every required property with a
 * value of the declared type (the first enum value, a short text, one array item), as strict
 * structured output and constrained decoding do. Prose in the prompt has no effect on it.
 */
export function schemaModel(schema, depth = 0) {
  if (schema === undefined || schema === null || depth > 12) return null;
  if (Array.isArray(schema.anyOf)) return schemaModel(schema.anyOf.find((s) => s.type !== 'null') ?? schema.anyOf[0], depth + 1);
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out = {};
      for (const [k, v] of Object.entries(schema.properties ?? {})) if ((schema.required ?? []).includes(k)) out[k] = schemaModel(v, depth + 1);
      return out;
    }
    case 'array':
      return schema.maxItems === 0 ? [] : [schemaModel(schema.items ?? { type: 'string' }, depth + 1)];
    case 'number':
    case 'integer':
      return Math.min(schema.maximum ?? 1, Math.max(schema.minimum ?? 0, 0.5));
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return 'text';
  }
}

/** Whether the request marks its stable prefix (system prompt and tools) for the provider's prompt cache. */
function cacheMarked(protocol, body) {
  if (protocol === 'openai') return true; // automatic prefix caching
  if (protocol === 'anthropic') return Array.isArray(body.system) && body.system.some((b) => b.cache_control !== undefined);
  return (body.system ?? []).some((b) => b.cachePoint !== undefined);
}

function ok(protocol, ctx, reply, inputTokens) {
  const toolName = ctx.toolName ?? 'record_analysis';
  const text = reply.text;
  const args = reply.rawArguments ?? (reply.answer === undefined ? undefined : JSON.stringify(reply.answer));
  const outputTokens = approxTokens(args ?? text ?? '');
  if (protocol === 'openai') {
    const message = { role: 'assistant', content: text ?? null };
    if (args !== undefined) message.tool_calls = [{ id: `call_${ctx.n}`, type: 'function', function: { name: toolName, arguments: args } }];
    return {
      id: `chatcmpl-${ctx.n}`, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: ctx.model,
      choices: [{ index: 0, message, finish_reason: args === undefined ? 'stop' : 'tool_calls', logprobs: null }],
      usage: { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens, prompt_tokens_details: { cached_tokens: ctx.cachedTokens } },
    };
  }
  if (protocol === 'anthropic') {
    const content = [];
    if (text !== undefined) content.push({ type: 'text', text });
    if (reply.answer !== undefined) content.push({ type: 'tool_use', id: `toolu_${ctx.n}`, name: toolName, input: reply.answer });
    return {
      id: `msg_${ctx.n}`, type: 'message', role: 'assistant', model: ctx.model, content,
      stop_reason: reply.answer === undefined ? 'end_turn' : 'tool_use', stop_sequence: null,
      usage: { input_tokens: inputTokens - ctx.cachedTokens - ctx.cacheWriteTokens, output_tokens: outputTokens, cache_read_input_tokens: ctx.cachedTokens, cache_creation_input_tokens: ctx.cacheWriteTokens },
    };
  }
  const content = [];
  if (text !== undefined) content.push({ text });
  if (reply.answer !== undefined) content.push({ toolUse: { toolUseId: `tooluse_${ctx.n}`, name: toolName, input: reply.answer } });
  return {
    output: { message: { role: 'assistant', content } },
    stopReason: reply.answer === undefined ? 'end_turn' : 'tool_use',
    usage: { inputTokens: inputTokens - ctx.cachedTokens - ctx.cacheWriteTokens, outputTokens, totalTokens: inputTokens + outputTokens, cacheReadInputTokens: ctx.cachedTokens, cacheWriteInputTokens: ctx.cacheWriteTokens },
    metrics: { latencyMs: 1 },
  };
}

/** An error body in the provider's format. */
function errorBody(protocol, status, message) {
  if (protocol === 'openai') return { error: { message, type: status === 429 ? 'requests' : 'server_error', param: null, code: status === 429 ? 'rate_limit_exceeded' : null } };
  if (protocol === 'anthropic') return { type: 'error', error: { type: status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : 'api_error', message } };
  return { message };
}

const BEDROCK_ERRORS = { 400: 'ValidationException', 403: 'AccessDeniedException', 404: 'ResourceNotFoundException', 429: 'ThrottlingException', 500: 'InternalServerException', 503: 'ServiceUnavailableException' };

/**
 * Starts a server. `respond(ctx)` returns a reply: `{answer}`, `{text}`, `{rawArguments}` (OpenAI
 * tool-call arguments as given), `{status, message?, headers?}`, `{delayMs, then}` or `{hangUp: true}`.
 * The default responder is `simulatedModel`.
 */
export async function startModelServer({ protocol, respond = (ctx) => ({ answer: simulatedModel(ctx.user) }), countTokens = approxTokens }) {
  const requests = [];
  const prefixes = new Set();
  let responder = respond;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body;
      try {
        body = JSON.parse(raw);
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify(errorBody(protocol, 400, 'invalid JSON body')));
        return;
      }
      const path = (req.url ?? '').split('?')[0];
      const expected = protocol === 'openai' ? /\/chat\/completions$/ : protocol === 'anthropic' ? /\/v1\/messages$/ : /^\/model\/.+\/converse$/;
      if (req.method !== 'POST' || !expected.test(path)) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(errorBody(protocol, 404, `no route ${req.method} ${path}`)));
        return;
      }
      const ctx = { ...understand(protocol, path, body), n: requests.length, headers: req.headers, body, path };
      const prefixTokens = countTokens(ctx.system) + (ctx.schema === undefined ? 0 : countTokens(`${ctx.toolName} ${ctx.toolDescription ?? ''} ${JSON.stringify(ctx.schema)}`));
      const inputTokens = prefixTokens + countTokens(ctx.user);
      // A repeated, cache-marked prefix is read from the cache, as the providers report it.
      const prefix = JSON.stringify([ctx.system, ctx.schema]);
      // Providers cache only prefixes of at least 1,024 tokens (OpenAI, and Claude Sonnet and Opus).
      const cacheable = cacheMarked(protocol, body) && prefixTokens >= CACHE_MIN_TOKENS;
      ctx.cachedTokens = cacheable && prefixes.has(prefix) ? prefixTokens : 0;
      ctx.cacheWriteTokens = cacheable && !prefixes.has(prefix) && protocol !== 'openai' ? prefixTokens : 0;
      prefixes.add(prefix);
      requests.push({ ...ctx, inputTokens });
      let reply = await responder(ctx);
      while (reply.delayMs !== undefined) {
        await new Promise((r) => setTimeout(r, reply.delayMs));
        if (res.destroyed || req.socket.destroyed) return;
        reply = reply.then ?? { answer: simulatedModel(ctx.user) };
      }
      if (reply.hangUp === true) {
        req.socket.destroy();
        return;
      }
      if (reply.status !== undefined) {
        const headers = { 'content-type': 'application/json', ...(reply.headers ?? {}) };
        if (protocol === 'bedrock') headers['x-amzn-errortype'] = `${BEDROCK_ERRORS[reply.status] ?? 'InternalServerException'}:http://internal.amazon.com/coral/com.amazon.bedrock/`;
        res.writeHead(reply.status, headers).end(JSON.stringify(errorBody(protocol, reply.status, reply.message ?? `status ${reply.status}`)));
        return;
      }
      const headers = { 'content-type': 'application/json' };
      if (protocol === 'bedrock') headers['x-amzn-requestid'] = `req-${ctx.n}`;
      if (protocol === 'anthropic') headers['request-id'] = `req_${ctx.n}`;
      res.writeHead(200, headers).end(JSON.stringify(ok(protocol, ctx, reply, inputTokens)));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  const base = `http://127.0.0.1:${port}`;
  return {
    url: protocol === 'openai' ? `${base}/v1` : base,
    requests,
    setResponder(fn) {
      responder = fn;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The finding lines of a prompt: its header, and each resource's type, placeholder and ids. */
export function findingOf(user) {
  const m = /<finding>\n([\s\S]*?)\n<\/finding>/.exec(user);
  if (m === null) return undefined;
  const lines = m[1].split('\n');
  const [source, type, severity] = (lines[0] ?? '').split(' ');
  const resources = lines
    .filter((l) => l.startsWith('resource: '))
    .map((l) => {
      const [, rtype, second] = l.split(' ');
      const id = second?.startsWith('<') ? second : undefined;
      const ids = {};
      for (const [, k, v] of l.matchAll(/ (\w+)=(\S+)/g)) ids[k] = v.includes(',') ? v.split(',') : v;
      return { type: rtype, id, ids };
    });
  return { source, type, severity, resources, text: m[1] };
}

/** The prompt's allowed actions: `{action, kind}` from "Actions: a b (kind); c (kind)". */
export function allowedOf(user) {
  const line = /^Actions: (.*)$/m.exec(user)?.[1] ?? '';
  const out = [];
  for (const group of line.split('; ')) {
    const g = /^(.*) \((<?\w+>?)\)$/.exec(group);
    if (g === null) continue;
    const kind = g[2] === '<account>' ? 'account' : g[2];
    for (const action of g[1].split(' ')) out.push({ action, kind });
  }
  return out;
}

/**
 * A well-behaved model: explains the finding from the prompt, proposes the first allowed
 * containment action on a placeholder of the right kind, and uses placeholders in commands.
 */
export function simulatedModel(user) {
  const finding = findingOf(user) ?? {};
  const resource = finding.resources?.[0] ?? {};
  const ids = resource.ids ?? {};
  const actions = [];
  for (const a of allowedOf(user)) {
    if (!/isolate|deactivate|block|revoke|snapshot/.test(a.action)) continue;
    const target = a.kind === 'account' ? '<account>' : Array.isArray(ids[a.kind]) ? ids[a.kind][0] : ids[a.kind];
    if (typeof target === 'string') {
      actions.push({ action: a.action, target, reason: `Contain the ${a.kind} named in the finding.` });
      break;
    }
  }
  const instance = typeof ids.instanceId === 'string' ? ids.instanceId : '<instanceId>';
  return {
    summary: `${finding.source ?? 'AWS'} reported ${finding.type ?? 'a finding'} about ${resource.id ?? 'a resource'} in account <account> (<region>).`,
    impact: 'If this is real, someone may be using the resource without permission.',
    falsePositives: ['A known scanner or an administrator testing the resource.'],
    steps: [
      { phase: 'investigate', title: 'Look at the resource', detail: 'Check who changed it recently and what it talks to.', commands: [`aws ec2 describe-instances --instance-ids ${instance} --region <region>`] },
      { phase: 'contain', title: 'Contain it if it is not expected', detail: 'Use the proposed action after approval.', commands: [] },
    ],
    actions,
    confidence: 0.7,
  };
}
