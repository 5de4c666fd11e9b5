import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogError } from '../../src/analysis/errors.js';
import { INPUT_ERROR_CODES } from '../../src/findings/errors.js';
import { LlmConfigError } from '../../src/analysis/llm/providers/index.js';
import { UnknownActionError } from '../../src/response/registry.js';
import { ConfigError } from '../../src/config/errors.js';
import { DeliveryError, TemplateError } from '../../src/notify/errors.js';
import { PatternError } from '../../src/routing/errors.js';
import { StoreError } from '../../src/store/errors.js';
import { RESPONSE_ERROR_CODES } from '../../src/response/errors.js';
import { ROOT } from '../helpers/fixtures.js';

describe('error codes', () => {
  const doc = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');
  it.each([...INPUT_ERROR_CODES, new CatalogError('x').code, new UnknownActionError('x').code, new LlmConfigError('x').code, new ConfigError('x').code, new DeliveryError('x', false).code, new TemplateError('x').code, new PatternError('x', []).code, new StoreError('x').code, ...RESPONSE_ERROR_CODES, 'UngroundedTarget', 'protected'])('%s is documented', (code) => {
    expect(doc).toContain(`| \`${code}\` |`);
  });
});
