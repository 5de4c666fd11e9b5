/**
 * A tiny logic-less template language, compiled once per template: `{{name}}` inserts a value,
 * `{{#name}}...{{/name}}` keeps its body only when the value is present, `{{^name}}...{{/name}}`
 * only when it is absent. Sections nest. Compilation is cached, so rendering is concatenation.
 */

/** A compiled template node. */
export type Node = string | { variable: string } | { section: string; inverted: boolean; body: Node[] };

/** A compiled template, or the reason it does not compile. */
export type Compiled = { nodes: Node[]; error?: undefined } | { nodes?: undefined; error: string };

const TAG = /\{\{\s*([#^/]?)\s*([A-Za-z]+)\s*\}\}/g;
const cache = new Map<string, Compiled>();

/** Compiles (once) a template. */
export function compile(template: string): Compiled {
  const hit = cache.get(template);
  if (hit !== undefined) return hit;
  const root: Node[] = [];
  const stack: { name: string; body: Node[] }[] = [];
  let body = root;
  let last = 0;
  let error: string | undefined;
  for (const m of template.matchAll(TAG)) {
    const index = m.index;
    if (index > last) body.push(template.slice(last, index));
    last = index + m[0].length;
    const kind = m[1] ?? '';
    const name = m[2] ?? '';
    if (kind === '') {
      body.push({ variable: name });
    } else if (kind === '/') {
      const open = stack.pop();
      if (open?.name !== name) {
        error = `{{/${name}}} closes ${open === undefined ? 'nothing' : `{{#${open.name}}}`}`;
        break;
      }
      body = stack.length === 0 ? root : (stack[stack.length - 1]?.body ?? root);
    } else {
      const section = { section: name, inverted: kind === '^', body: [] as Node[] };
      body.push(section);
      stack.push({ name, body: section.body });
      body = section.body;
    }
  }
  if (error === undefined && stack.length > 0) error = `{{#${stack[stack.length - 1]?.name ?? ''}}} is never closed`;
  if (error === undefined && last < template.length) body.push(template.slice(last));
  const out: Compiled = error === undefined ? { nodes: root } : { error };
  if (cache.size < 10_000) cache.set(template, out);
  return out;
}

/** Names used by a compiled template's variables and sections. */
export function names(nodes: readonly Node[]): string[] {
  return nodes.flatMap((n) => (typeof n === 'string' ? [] : 'variable' in n ? [n.variable] : [n.section, ...names(n.body)]));
}

/** Renders compiled nodes; `value` returns the escaped text of a variable, `present` whether it has one. */
export function run(nodes: readonly Node[], value: (name: string) => string, present: (name: string) => boolean): string {
  let out = '';
  for (const n of nodes) {
    if (typeof n === 'string') out += n;
    else if ('variable' in n) out += value(n.variable);
    else if (present(n.section) !== n.inverted) out += run(n.body, value, present);
  }
  return out;
}
