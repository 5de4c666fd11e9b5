/**
 * The routing part of `firebreak.yaml`: routes (an EventBridge pattern, the analyst, the
 * response mode, channels and owner), mute rules, and de-duplication settings. Patterns are
 * compiled while the file is validated, so a bad pattern is reported with its line and column.
 */
import { z } from 'zod';
import { PatternError } from './errors.js';
import { type CompiledPattern, compilePattern } from './pattern/index.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const name = z.string().regex(NAME, 'names are 1 to 64 letters, digits, ".", "_" and "-"');

/** `15m`, `1h`, `24h`, `7d` as milliseconds. */
export const duration = z
  .string()
  .regex(/^\d+(s|m|h|d)$/, 'must be a duration like 30m, 1h, 24h or 7d')
  .transform((s) => Number(s.slice(0, -1)) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[s.slice(-1) as 's' | 'm' | 'h' | 'd']);

/** An event pattern, written as YAML or as a string of JSON, compiled. */
const pattern = z.unknown().transform((value, ctx): CompiledPattern => {
  try {
    if (value === undefined) throw new PatternError('a route needs a pattern', []);
    return compilePattern(value);
  } catch (err) {
    if (!(err instanceof PatternError)) throw err;
    // A string pattern's own positions are in the string, not the file: say where in it.
    const inText = typeof value === 'string' && err.position !== undefined ? ` (line ${err.position.line}, column ${err.position.column} of the pattern text)` : '';
    ctx.addIssue({ code: 'custom', message: `Event pattern is not valid. Reason: ${err.reason}${err.path === '' ? '' : ` at key "${err.path}"`}${inText}`, path: typeof value === 'string' ? [] : [...err.keys] });
    return z.NEVER;
  }
});

export const ANALYST_NAMES = ['playbook', 'llm', 'hybrid'] as const;
export const RESPONSE_MODES = ['notify', 'propose', 'auto'] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];

const routeSchema = z.strictObject({
  name,
  description: z.string().optional(),
  pattern,
  /** Who explains the findings of this route; the command line's `--analyst` when unset. */
  analyst: z.enum(ANALYST_NAMES).optional(),
  /** What happens to proposed actions: only tell, ask for approval, or act within policy. */
  mode: z.enum(RESPONSE_MODES).default('propose'),
  /** Channels (names under `channels:`) to notify; every configured channel when unset. */
  channels: z.array(z.string().min(1)).min(1).optional(),
  /** The owning team (a name under `teams:`): its recipients are added on every channel. */
  owner: z.string().min(1).optional(),
});
export type RouteSettings = z.infer<typeof routeSchema>;

const WHEN = 'must be a date (2026-12-31), a date and time (2026-12-31T18:00:00Z), or never';

const muteSchema = z
  .strictObject({
    name,
    reason: z.string().min(1, 'say why the findings are muted'),
    /** When the mute ends; `never` to keep it (it still shows in every summary). */
    expires: z.union([z.literal('never'), z.iso.date(), z.iso.datetime({ offset: true })], { error: WHEN }),
    accounts: z.array(z.string().regex(/^\d{12}$/, 'must be a 12-digit account id')).optional(),
    /** Finding types; `*` matches any run of characters (`Recon:EC2/*`). */
    types: z.array(z.string().min(1)).optional(),
    /** Security Hub control ids (`S3.8`). */
    controls: z.array(z.string().min(1)).optional(),
    /** Resource ids or ARNs; `*` matches any run of characters. */
    resources: z.array(z.string().min(1)).optional(),
    /** Resource tags, all of which a resource must carry. */
    tags: z.record(z.string(), z.string()).optional(),
    regions: z.array(z.string().min(1)).optional(),
  })
  .refine((m) => [m.accounts, m.types, m.controls, m.resources, m.tags, m.regions].some((c) => c !== undefined), { message: 'a mute needs at least one of accounts, types, controls, resources, tags, regions' });
export type MuteSettings = z.infer<typeof muteSchema>;

/** Re-alert after a day; group findings about one resource within an hour. */
export const DEDUPE_DEFAULTS = { realertAfter: 86_400_000, incidentWindow: 3_600_000 } as const;

const dedupeSchema = z.strictObject({
  /** `sqlite` remembers across runs (the default); `memory` within one run. */
  store: z.enum(['sqlite', 'memory']).default('sqlite'),
  /** SQLite file; default `.firebreak/state.db` beside the configuration. */
  path: z.string().min(1).optional(),
  /** Alert again about an unchanged finding after this long. */
  realertAfter: duration.default(DEDUPE_DEFAULTS.realertAfter),
  /** Findings about one resource this close together form one incident. */
  incidentWindow: duration.default(DEDUPE_DEFAULTS.incidentWindow),
});
export type DedupeSettings = z.infer<typeof dedupeSchema>;

/** The routing settings of `firebreak.yaml`. */
export const routingSchema = {
  routes: z.array(routeSchema).default([]),
  mutes: z.array(muteSchema).default([]),
  dedupe: dedupeSchema.optional(),
};

/** Cross-checks routes against the rest of the file: unique names, known channels and teams. */
export function checkRouting(
  config: { routes: RouteSettings[]; mutes: MuteSettings[]; channels: Record<string, unknown>; teams: Record<string, unknown> },
  ctx: z.RefinementCtx,
): void {
  const seen = new Set<string>();
  for (const [i, route] of config.routes.entries()) {
    if (seen.has(route.name)) ctx.addIssue({ code: 'custom', message: `route name "${route.name}" is used twice`, path: ['routes', i, 'name'] });
    seen.add(route.name);
    for (const [j, channel] of (route.channels ?? []).entries()) {
      if (!Object.hasOwn(config.channels, channel)) {
        const known = Object.keys(config.channels);
        ctx.addIssue({ code: 'custom', message: `channel "${channel}" is not configured under channels:${known.length === 0 ? ' (none are)' : ` (configured: ${known.join(', ')})`}`, path: ['routes', i, 'channels', j] });
      }
    }
    if (route.owner !== undefined && !Object.hasOwn(config.teams, route.owner)) {
      ctx.addIssue({ code: 'custom', message: `team "${route.owner}" is not defined under teams:`, path: ['routes', i, 'owner'] });
    }
  }
  const mutes = new Set<string>();
  for (const [i, mute] of config.mutes.entries()) {
    if (mutes.has(mute.name)) ctx.addIssue({ code: 'custom', message: `mute name "${mute.name}" is used twice`, path: ['mutes', i, 'name'] });
    mutes.add(mute.name);
  }
}
