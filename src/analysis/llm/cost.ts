/**
 * Estimated cost of model calls, from list prices in US dollars per million tokens. Unknown models
 * (and local servers) have no estimate unless the user gives prices (`--price IN,OUT`).
 */

/** Prices in USD per million input and output tokens. */
export interface Price {
  input: number;
  output: number;
}

/** Matched against the model id, first hit wins (so more specific patterns come first). */
const PRICES: readonly [RegExp, Price][] = [
  [/claude-3-5-haiku/, { input: 0.8, output: 4 }],
  [/claude-3-haiku/, { input: 0.25, output: 1.25 }],
  [/claude-haiku-4/, { input: 1, output: 5 }],
  [/claude-(?:3-[57]-)?sonnet|claude-sonnet-4/, { input: 3, output: 15 }],
  [/claude-opus-4-[15]/, { input: 5, output: 25 }],
  [/claude-(?:3-)?opus/, { input: 15, output: 75 }],
  [/nova-micro/, { input: 0.035, output: 0.14 }],
  [/nova-lite/, { input: 0.06, output: 0.24 }],
  [/nova-pro/, { input: 0.8, output: 3.2 }],
  [/gpt-4o-mini/, { input: 0.15, output: 0.6 }],
  [/gpt-4o/, { input: 2.5, output: 10 }],
  [/gpt-4\.1-mini/, { input: 0.4, output: 1.6 }],
  [/gpt-4\.1-nano/, { input: 0.1, output: 0.4 }],
];

/** The list price of `model`, if firebreak knows it. */
export function priceOf(model: string): Price | undefined {
  return PRICES.find(([re]) => re.test(model))?.[1];
}

/** Parses `--price IN,OUT` (USD per million tokens). */
export function parsePrice(text: string): Price {
  const m = /^\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (m === null) throw new Error(`--price ${JSON.stringify(text)}: expected IN,OUT in US dollars per million tokens, for example 0.8,4`);
  return { input: Number(m[1]), output: Number(m[2]) };
}

/** Estimated cost in USD, rounded to a millionth of a dollar. */
export function costUsd(price: Price | undefined, inputTokens: number, outputTokens: number): number | null {
  if (price === undefined) return null;
  return Math.round(((inputTokens * price.input + outputTokens * price.output) / 1e6) * 1e6) / 1e6;
}
