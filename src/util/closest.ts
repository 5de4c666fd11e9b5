/** Suggestions for a mistyped name: the known names nearest to it. */

/** Edit distance (insertions, deletions, substitutions) between two strings, case ignored. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= y.length; j += 1) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      row.push(Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, (previous[j - 1] as number) + cost));
    }
    previous = row;
  }
  return previous[y.length] as number;
}

/** Up to `count` names from `known` nearest to `name`, nearest first (ties in the order given). */
export function closest(name: string, known: readonly string[], count = 3): string[] {
  const probe = name.slice(0, 200);
  return known
    .map((k, order) => ({ k, order, d: editDistance(probe, k) }))
    .sort((p, q) => p.d - q.d || p.order - q.order)
    .slice(0, count)
    .map((p) => p.k);
}
