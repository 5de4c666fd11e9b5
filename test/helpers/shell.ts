/**
 * Checks that a rendered command is one simple shell command: a list of words, with no pipes,
 * lists, redirections, subshells or command substitution outside single quotes (a backtick or
 * `$(` inside double quotes still runs), so a person can paste it and it does only what it says.
 */

/** Why `command` is not one plain word list, or undefined when it is. */
export function shellProblem(command: string): string | undefined {
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < command.length; i += 1) {
    const c = command.charAt(i);
    if (quote === "'") {
      if (c === "'") quote = undefined;
      continue;
    }
    if (c === '\\') {
      i += 1;
      continue;
    }
    if (c === '`') return `backtick at ${i}${quote === '"' ? ' inside double quotes (bash runs it as a command)' : ''}`;
    if (c === '$' && command.charAt(i + 1) === '(') return `command substitution $( at ${i}`;
    if (quote === '"') {
      if (c === '"') quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if ('|;&<>()'.includes(c)) return `unquoted ${JSON.stringify(c)} at ${i}`;
    else if (c === '\n') return `newline at ${i}`;
  }
  return quote === undefined ? undefined : `unclosed ${quote}`;
}

/** The words of a command (quotes removed), enough to read `aws SERVICE OPERATION`. */
export function shellWords(command: string): string[] {
  const out: string[] = [];
  let word = '';
  let quote: string | undefined;
  let has = false;
  for (let i = 0; i < command.length; i += 1) {
    const c = command.charAt(i);
    if (quote === '"' && c === '\\' && '"\\$`'.includes(command.charAt(i + 1))) {
      word += command.charAt(i + 1);
      i += 1;
    } else if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else word += c;
    } else if (c === '\\') {
      word += command.charAt(i + 1);
      has = true;
      i += 1;
    } else if (c === "'" || c === '"') {
      quote = c;
      has = true;
    } else if (c === ' ' || c === '\t') {
      if (has || word !== '') out.push(word);
      word = '';
      has = false;
    } else {
      word += c;
    }
  }
  if (has || word !== '') out.push(word);
  return out;
}
