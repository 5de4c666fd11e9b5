/** What every channel shares: its name, type, thresholds and template choice. */
import type { ChannelSettings } from '../config.js';
import { TYPE_DEFAULTS } from '../config.js';
import type { Templates } from '../template.js';
import type { Channel, MessageRequest } from '../types.js';

/** The fields of `Channel` that come straight from the settings and the type's defaults. */
export function base(name: string, settings: ChannelSettings): Pick<Channel, 'name' | 'type' | 'minSeverity' | 'updates'> {
  const defaults = TYPE_DEFAULTS[settings.type];
  return { name, type: settings.type, minSeverity: settings.minSeverity ?? defaults.minSeverity, updates: settings.updates ?? defaults.updates };
}

/**
 * The template for a request: `update`, `digest`, or `alert` — `alert-<style>` when the channel has
 * a template for that style (e-mail has `alert-email-draft`), so any channel accepts any style.
 */
export function templateName(request: MessageRequest, templates: Templates, type: string, part: string): string {
  if (request.kind === 'alert' && request.style !== 'standard' && templates.find(type, `alert-${request.style}`, part) !== undefined) return `alert-${request.style}`;
  return request.kind;
}
