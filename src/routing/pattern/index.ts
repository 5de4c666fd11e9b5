/**
 * The EventBridge event pattern language: compile a pattern once (`compilePattern`), then test
 * it against one event (`matchesPattern`) or put many patterns into one `PatternMachine`.
 */
export { type CompiledPattern, type FieldRule, compilePattern, compilePatternNode } from './compile.js';
export { matchesPattern } from './evaluate.js';
export { PatternMachine } from './machine.js';
export { type PNode, parsePatternText } from './json.js';
